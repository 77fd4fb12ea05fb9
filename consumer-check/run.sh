#!/usr/bin/env bash
# The consumer check: a project outside the reactor (this folder) built against the installed gold-*
# artifacts. It resolves the trimmed dependencies, runs the README's library example offline, loads the
# trained student by its path alone and predicts raw strings from 4 threads = 1 thread. About 40 s after
# the install. Usage, from anywhere:
#   consumer-check/run.sh               installs the reactor (mvn install -DskipTests), then checks
#   consumer-check/run.sh --installed   checks against what is already installed (CI: after mvn install)
# MAVEN_REPO=/path/to/repo uses that local repository instead of ~/.m2 for both steps.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
repo=()
if [[ -n ${MAVEN_REPO:-} ]]; then repo=(-Dmaven.repo.local="$MAVEN_REPO"); fi
if [[ ${1:-} != --installed ]]; then
  (cd "$root" && mvn -B -q "${repo[@]}" -DskipTests install)
fi
cd "$here"
# Only this platform's natives, as the README tells consumers to do.
mvn -B -q "${repo[@]}" -Djavacpp.platform.host compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
run="$(mktemp -d)/run"
trap 'rm -rf "$(dirname "$run")"' EXIT
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/classes:$(cat target/classpath.txt)" \
  example.ConsumerCheck "$root/gold-examples/src/main/resources/data/sentiment" "$run"
