from .builds import urls as builds
from .coding import urls as coding
from .editor import urls as editor

app_name = "reports"

urlpatterns = [
    *editor.urlpatterns,
    *coding.urlpatterns,
    *builds.urlpatterns,
]
