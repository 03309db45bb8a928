#!/usr/bin/env bash
# Periodic jobs of the portal, for the systemd timers, cron, or deploy/stack.sh's scheduler loop.
#
#   deploy/periodic.sh tick     every 5 minutes: consultation deadlines, reminders, escalations, auto-close,
#                               anonymisation and e-mail retries; scheduled publishing; event jobs
#   deploy/periodic.sh daily    once a day: review reminders to page owners
#   deploy/periodic.sh loop     tick every TICK_SECONDS (300) and daily once per calendar day, until stopped
#
# Run exactly one scheduler per installation, however many app servers there are: the commands are safe to
# repeat, but two schedulers double the work and the e-mail retries race for the same notices.
# Environment: the portal's variables (source /etc/cus-portal/env first), PYTHON (default: the repo's .venv).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
PYTHON="${PYTHON:-.venv/bin/python}"
TICK_SECONDS="${TICK_SECONDS:-300}"

log() { echo "periodic.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >&2; }

# A failing command is logged and the others still run; the exit status reports any failure.
run() {
    log "manage.py $*"
    "$PYTHON" manage.py "$@" || { log "manage.py $* failed with status $?"; failed=1; }
}

has_command() {
    "$PYTHON" manage.py help --commands 2>/dev/null | grep -qx "$1"
}

tick() {
    failed=0
    run consultations_tick
    run publish_scheduled
    # Index changes Elasticsearch missed while it was unreachable (nothing to do on the database engines).
    run search_catch_up
    # Events' periodic work (registration deadlines, reminders) where this version of the portal has it.
    if has_command events_tick; then run events_tick; fi
    return "$failed"
}

daily() {
    failed=0
    run send_review_reminders
    return "$failed"
}

loop() {
    local last_daily="" today
    trap 'log "scheduler stopped"; exit 0' TERM INT
    log "scheduler started: tick every ${TICK_SECONDS}s, daily jobs once a day"
    while true; do
        tick
        today="$(date +%F)"
        if [ "$today" != "$last_daily" ]; then
            daily
            last_daily="$today"
        fi
        # sleep in the background so that TERM is handled at once, not after the sleep.
        sleep "$TICK_SECONDS" &
        wait $!
    done
}

case "${1:-}" in
    tick) tick ;;
    daily) daily ;;
    loop) loop ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
