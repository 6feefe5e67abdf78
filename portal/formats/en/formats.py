"""English dates as the United Nations writes them: "29 January 2008" (Django's default for
English is the American "Jan. 29, 2008")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
