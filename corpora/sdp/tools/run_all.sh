#!/usr/bin/env bash
# Regenerate the whole SDP corpus (see ../README.md). Run from anywhere:
#   bash corpora/sdp/tools/run_all.sh            # all stacks
#   bash corpora/sdp/tools/run_all.sh aiortc werift   # a subset
# Installs (idempotent): Python venv target/corpus-venv with aiortc, Node dir
# target/corpus-node with werift, @roamhq/wrtc, playwright-core; Debian
# chromium and GStreamer packages are expected to be installed (see README).
# Every generator runs inside a fresh network namespace that only has `lo`
# (unshare -n), so no packet can leave the machine; with SDP_NO_NETNS=1 it
# runs in the normal namespace (the generators are loopback-only anyway).
set -euo pipefail
TOOLS="$(cd "$(dirname "$0")" && pwd)"
SDP="$(dirname "$TOOLS")"
REPO="$(cd "$SDP/../.." && pwd)"
VENV="$REPO/target/corpus-venv"
NODEDIR="$REPO/target/corpus-node"
STACKS=("$@")
[ ${#STACKS[@]} -eq 0 ] && STACKS=(aiortc werift wrtc chromium gstreamer)

want() { local s; for s in "${STACKS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

if want aiortc && [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q aiortc
fi
if { want werift || want wrtc || want chromium; } && [ ! -d "$NODEDIR/node_modules/werift" ]; then
  mkdir -p "$NODEDIR"
  (cd "$NODEDIR" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install werift @roamhq/wrtc playwright-core)
fi
export NODE_PATH="$NODEDIR/node_modules"

run() {  # run "cmd..." inside a loopback-only network namespace, bounded in time
  if [ "${SDP_NO_NETNS:-0}" = 1 ]; then
    timeout 300 "$@"
  else
    unshare -n -- sh -c 'ip link set lo up && exec timeout 300 "$@"' sh "$@"
  fi
}

cd "$SDP"
want aiortc && run "$VENV/bin/python" "$TOOLS/gen_aiortc.py"
want werift && run node "$TOOLS/gen_werift.js"
want wrtc && run node "$TOOLS/gen_wrtc.js"
want chromium && run node "$TOOLS/gen_chromium.js"
want gstreamer && run /usr/bin/python3 "$TOOLS/gen_gstreamer.py"
python3 "$TOOLS/build_sources.py"
python3 "$TOOLS/check.py"
