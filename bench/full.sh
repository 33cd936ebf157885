#!/usr/bin/env bash
# The whole suite: bench/run.sh full (see there). Extra arguments go to JMH. THROUGHPUT_OPTS,
# the name this script used to take, still replaces the JMH settings of the throughput run.
if [[ -n "${THROUGHPUT_OPTS:-}" && -z "${JMH_OPTS:-}" ]]; then
    export JMH_OPTS="$THROUGHPUT_OPTS"
fi
exec "$(dirname "$0")/run.sh" full "$@"
