# shellcheck shell=bash
# noVNC's files for nova-novncproxy: the npm package @novnc/novnc at a
# pinned version, installed into $REPO_DIR/.cache/novnc (never committed).
# The package holds core/ (the RFB client as ES modules) and vendor/; the
# page itself (vnc_lite.html) is served by nova-novncproxy (compute/console).

NOVNC_VERSION=1.7.0
NOVNC_CACHE=${NOVNC_CACHE:-$REPO_DIR/.cache/novnc}
NOVNC_WEB_DIR=$NOVNC_CACHE/node_modules/@novnc/novnc
# the console test's browser driver (headless Debian chromium), beside noVNC
NOVNC_PLAYWRIGHT_VERSION=1.64.1

novnc_fetch() {
  if [ -f "$NOVNC_WEB_DIR/core/rfb.js" ] && grep -q "\"version\": \"$NOVNC_VERSION\"" "$NOVNC_WEB_DIR/package.json" 2>/dev/null &&
     grep -q "\"version\": \"$NOVNC_PLAYWRIGHT_VERSION\"" "$NOVNC_CACHE/node_modules/playwright-core/package.json" 2>/dev/null; then
    log "novnc: @novnc/novnc $NOVNC_VERSION present"
    return 0
  fi
  if ! command -v npm >/dev/null; then
    log "novnc: installing npm"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >>"$LOG_DIR/apt.log" 2>&1 \
      || die "novnc: npm is missing and could not be installed (log: $LOG_DIR/apt.log)"
  fi
  mkdir -p "$NOVNC_CACHE"
  log "novnc: installing @novnc/novnc@$NOVNC_VERSION into $NOVNC_CACHE"
  (cd "$NOVNC_CACHE" && npm install --no-audit --no-fund --no-save --ignore-scripts --prefix "$NOVNC_CACHE" \
    "@novnc/novnc@$NOVNC_VERSION" "playwright-core@$NOVNC_PLAYWRIGHT_VERSION") >"$LOG_DIR/novnc-npm.log" 2>&1 \
    || { tail -20 "$LOG_DIR/novnc-npm.log"; die "novnc: npm install failed (log: $LOG_DIR/novnc-npm.log)"; }
  [ -f "$NOVNC_WEB_DIR/core/rfb.js" ] || die "novnc: $NOVNC_WEB_DIR/core/rfb.js missing after npm install"
}
