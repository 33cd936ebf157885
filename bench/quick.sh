#!/usr/bin/env bash
# The quick suite: bench/run.sh quick (see there). Extra arguments go to JMH, e.g. -p size=512.
exec "$(dirname "$0")/run.sh" quick "$@"
