#!/usr/bin/env bash
# Load test of Verbale on this machine: PostgreSQL (database verbale_load, re-created), Redis
# (DB 10), gunicorn with 2 workers, one Celery worker, and locust at 50 then 200 users for
# RUN_TIME each. Everything started here is stopped on exit. Usage: bench/load/run.sh [users…]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")
RUN_TIME=${RUN_TIME:-60s}
PORT=${PORT:-8765}
export DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/verbale_load}
export CELERY_BROKER_URL=${LOAD_BROKER_URL:-redis://127.0.0.1:6379/10}
export DJANGO_DEBUG=false SECRETARIAT_TWO_FACTOR=false MEDIA_ROOT=$PWD/var/load/media
export VERBALE_LOAD_USERS=var/load/users.json
DB=${DATABASE_URL##*/}
mkdir -p var/load
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait || true; }
trap cleanup EXIT

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$DB\"" postgres
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE \"$DB\"" postgres
"$PY" manage.py migrate -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" bench/load/setup.py

"$BIN/gunicorn" portal.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --access-logfile /dev/null --error-logfile var/load/gunicorn.log &
pids+=($!)
"$PY" -m celery -A portal worker --pool=solo --loglevel=WARNING -n "load-$$@%h" \
  >var/load/worker.log 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 1; done

stats=()
for users in "${@:-50 200}"; do
  for n in $users; do
    stats+=("var/load/stats-${n}_stats.csv")
    echo "== $n users for $RUN_TIME"
    VERBALE_LOAD_SAVED=var/load/saved-$n.json "$BIN/locust" -f bench/load/locustfile.py \
      --headless --host "http://127.0.0.1:$PORT" -u "$n" -r "$((n / 5 + 1))" \
      --run-time "$RUN_TIME" --stop-timeout 10 --csv "var/load/stats-$n" --only-summary || true
    "$PY" bench/load/check.py "var/load/saved-$n.json" || echo "== some answers were not found"
  done
done
echo "== per endpoint"
"$PY" bench/load/summary.py "${stats[@]}"
"$PY" - <<'PYEOF'
import os, sys
sys.path.insert(0, ".")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django; django.setup()
from reports.models import Build
for b in Build.objects.order_by("-pk")[:2]:
    print(f"build {b.pk}: {b.status}, {b.duration}, {b.page_count} pages {b.error[:100]}")
PYEOF
