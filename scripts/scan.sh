#!/usr/bin/env bash
# Scan the demo portal with Debian's wapiti, offline, on a free loopback port: once signed in as
# the demo admin (staff pages), then anonymously (the whole site). Everything runs in a throwaway
# instance folder. Reports go to scan-report/: wapiti's JSON and log per pass, the server log,
# and summary.txt (counts per category, every finding, modules cut short, server errors).
# Exit status 0 when the scan ran (findings are for a human to judge); non-zero when it could not.
#
# Bounds (seconds; environment): SCAN_CRAWL_TIME per pass for crawling (wapiti's
# --max-scan-time, which covers only the crawl), SCAN_ATTACK_TIME per attack module and pass
# (--max-attack-time), SCAN_HARD_LIMIT per pass as a backstop (the pass is killed, no report).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
CRAWL_TIME=${SCAN_CRAWL_TIME:-45}
ATTACK_TIME=${SCAN_ATTACK_TIME:-40}
HARD_LIMIT=${SCAN_HARD_LIMIT:-330}
MODULES=xss,permanentxss,sql,exec,file,redirect,crlf,csrf,http_headers,cookieflags,methods,csp,backup,htaccess
REPORT=scan-report

if ! command -v wapiti >/dev/null 2>&1; then
  echo "Installing Debian package: wapiti"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wapiti >/dev/null
fi

# A portal of its own: SQLite in a throwaway folder, no SMTP, no debugger; limits raised so the
# scanner reaches the code behind them instead of a 429 (the limits themselves are tested elsewhere).
unset DATABASE_URL SECRET_KEY MAIL_SERVER MAIL_USERNAME MAIL_PASSWORD FLASK_DEBUG FLASK_APP \
  PORTAL_HTTPS PORTAL_BEHIND_PROXY RATELIMIT_STORAGE_URI
work=$(mktemp -d /tmp/portal-scan.XXXXXX)
export PORTAL_INSTANCE_PATH="$work/instance"
export PORTAL_LOGIN_RATE_LIMIT="10000 per minute" PORTAL_BOOKING_RATE_LIMIT="10000 per hour" \
  PORTAL_MANAGE_RATE_LIMIT="10000 per hour" PORTAL_VOTE_RATE_LIMIT="10000 per minute" \
  PORTAL_VOTE_VISITOR_RATE_LIMIT="10000 per minute" \
  PORTAL_BOOKING_API_RATE_LIMIT="10000 per minute"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$REPORT"
mkdir -p "$REPORT"
{ "$BIN/portal" db upgrade && "$BIN/portal" demo load && "$BIN/portal" search reindex; } \
  >"$REPORT/setup.log" 2>&1 || { echo "Setting up the demo portal failed; see $REPORT/setup.log" >&2; exit 1; }

port=$(python3 "$(dirname "$0")/free_port.py" 18080)
base="http://127.0.0.1:$port"
"$BIN/portal" run --host 127.0.0.1 --port "$port" >"$REPORT/server.log" 2>&1 &
server_pid=$!
python3 - "$base" "$server_pid" <<'EOF'
import os, sys, time, urllib.request
base, pid = sys.argv[1], int(sys.argv[2])
for _ in range(300):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("The portal stopped before it answered; see scan-report/server.log")
    try:
        urllib.request.urlopen(base + "/de/", timeout=2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("The portal did not answer within 30 s; see scan-report/server.log")
EOF
echo "Portal with demo data on $base (instance $PORTAL_INSTANCE_PATH)"

# Sign in as the demo admin the way a browser does (the login form needs its CSRF token) and hand
# the session cookie to wapiti as a cookie file. The sign-out form is excluded from the scan.
read -r admin_email admin_password <"$PORTAL_INSTANCE_PATH/demo_login.txt"
ADMIN_EMAIL=$admin_email ADMIN_PASSWORD=$admin_password python3 - "$base" "$work/cookies.json" <<'EOF'
import http.cookiejar, json, os, re, sys, urllib.parse, urllib.request
base, cookie_file = sys.argv[1], sys.argv[2]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(base + "/staff/login", timeout=10).read().decode()
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
if not token:
    sys.exit("No CSRF token on the login page")
form = {"csrf_token": token.group(1), "email": os.environ["ADMIN_EMAIL"],
        "password": os.environ["ADMIN_PASSWORD"]}
response = opener.open(base + "/staff/login", urllib.parse.urlencode(form).encode(), timeout=30)
response.read()
check = opener.open(base + "/staff/users/", timeout=10)
check.read()
if urllib.parse.urlsplit(check.url).path != "/staff/users/":
    sys.exit("Signing in as the demo admin failed")
cookies = {c.name: {"value": c.value, "expires": c.expires, "secure": c.secure, "port": None,
                    "version": 0} for c in jar}
with open(cookie_file, "w") as handle:
    json.dump({"127.0.0.1": {"/": cookies}}, handle)
print("Signed in as the demo admin for the staff pass (cookies: " + ", ".join(cookies) + ")")
EOF

# Debian's wapiti 3.0.4 needs two fixes, applied by this wrapper:
# - it crashes on Python 3.11 as soon as -x is given ("global flags not at the start of the
#   expression": its wildcard pattern ends in '(?ms)');
# - it sends every field of a multipart form as a file part (filename="csrf_token"), so Flask
#   sees no form fields: the CSRF check refuses every such request (the booking form, image
#   uploads) before any payload reaches the code, and the csrf module then reports these forms
#   as unchecked because the valid and the forged token get the same refusal.
WAPITI='import re, sys
from wapitiCore.net import crawler
from wapitiCore.net.page import Page
crawler.wildcard_translate = lambda pattern: re.compile(
    "(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")
post = crawler.Crawler.post
def multipart_post(self, form, follow_redirects=False, headers=None):
    if not form.is_multipart:
        return post(self, form, follow_redirects, headers)
    form_headers = dict(headers or {})
    if form.referer:
        form_headers["referer"] = form.referer
    return Page(self._session.post(
        form.path, params=form.get_params, data=form.post_params, files=form.file_params or None,
        headers=form_headers, timeout=self._timeout, allow_redirects=follow_redirects,
        verify=self.secure))
crawler.Crawler.post = multipart_post
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())'

# Every module is loaded even when not used, and the Wappalyzer one downloads its database when
# the config folder has none: give it an empty one, so nothing leaves the machine.
mkdir -p "$work/wapiti-config"
echo '{}' >"$work/wapiti-config/apps.json"

run_pass() {  # NAME URL [wapiti options...]
  local name=$1 url=$2
  shift 2
  local started=$SECONDS status=0
  echo "wapiti pass '$name': crawl ≤ ${CRAWL_TIME}s, ≤ ${ATTACK_TIME}s per module (log: $REPORT/wapiti-$name.log)"
  timeout --kill-after=10 "$HARD_LIMIT" /usr/bin/python3 -c "$WAPITI" -u "$url" --scope folder -m "$MODULES" \
    --flush-session --store-session "$work/wapiti-$name" --store-config "$work/wapiti-config" \
    --max-scan-time "$CRAWL_TIME" --max-attack-time "$ATTACK_TIME" --timeout 10 \
    --skip csrf_token -x "$base/staff/logout" --no-bugreport -v 1 \
    -f json -o "$REPORT/$name.json" "$@" </dev/null >"$REPORT/wapiti-$name.log" 2>&1 || status=$?
  echo "  took $((SECONDS - started)) s, wapiti exit status $status;" \
    "$(grep -ao 'found [0-9]* URLs and forms' "$REPORT/wapiti-$name.log" || echo 'crawled nothing')"
  if [ "$status" -ne 0 ] || [ ! -s "$REPORT/$name.json" ]; then
    echo "wapiti pass '$name' did not finish; see $REPORT/wapiti-$name.log" >&2
    return 1
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "The portal died during pass '$name'; see $REPORT/server.log" >&2
    return 1
  fi
}

# The staff pass goes first, stays in /staff/ and starts at the forms that take the most input
# (twenty pages per folder). Its xss module attacks the forms only: on the staff pages' links
# (mostly numeric ids) it used up its time before reaching the article editor. It runs before
# the anonymous pass has filled the search log with payloads, which the search analytics would
# offer as dozens of "write an article" links.
# The anonymous pass covers the whole site; its start URLs put the pages that take input first,
# so the time-bounded attack modules reach them (they attack in crawl order). Ten pages per
# folder keep 59 near-identical articles from eating the budget, and the search-click redirects
# (one per result, their only parameter a checked anchor) are left out.
today=$(date +%F)
later=$(date -d "+14 days" +%F)
scan_started=$SECONDS
run_pass staff "$base/staff/" --max-files-per-dir 20 -c "$work/cookies.json" -m "$MODULES,-xss:get" \
  -s "$base/staff/articles/new" \
  -s "$base/staff/articles/1" -s "$base/staff/termine/neu" -s "$base/staff/search/synonyms" \
  -s "$base/staff/users/new" -s "$base/staff/techniker/neu" -s "$base/staff/leistungen/neu"
staff_log_lines=$(wc -l <"$REPORT/server.log")
run_pass anonymous "$base/" --max-files-per-dir 10 -s "$base/de/suche?q=waschmaschine+e18" \
  -s "$base/en/suche?q=dishwasher" -s "$base/api/search?q=heizung&lang=de&page=1" \
  -s "$base/api/suggest?q=wasch&lang=de" \
  -s "$base/api/booking/slots?service=1&postcode=20095&from=$today&to=$later" \
  -s "$base/api/booking/suggestions?q=heizung&lang=de&service=1" -s "$base/de/termin" \
  -s "$base/staff/login" -x "$base/*/suche/treffer/*"
echo "Both passes took $((SECONDS - scan_started)) s"

# The staff pass must have stayed signed in: staff pages answering with a redirect to the
# sign-in page would mean it scanned the login page only.
head -n "$staff_log_lines" "$REPORT/server.log" | sed 's/\x1b\[[0-9;]*m//g' | awk '
  $6 == "\"GET" && $7 ~ /^\/staff\// && $7 !~ /^\/staff\/login/ {
    if ($(NF-1) == 302) out++; else if ($(NF-1) == 200) ok++ }
  END { printf "Staff pass: %d staff pages answered 200, %d redirected (sign-in lost if many)\n", ok, out }'

python3 - "$REPORT" staff anonymous <<'EOF'
import json, re, sys
from collections import Counter
from pathlib import Path
report, passes = Path(sys.argv[1]), sys.argv[2:]
lines, counts = [], Counter()
for name in passes:
    data = json.loads((report / f"{name}.json").read_text())
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in data.get(kind, {}).items():
            for item in items:
                counts[(kind, category, name)] += 1
                request_line = item["http_request"].splitlines()[0]
                lines.append(f"[{name}] {category}: {item['method']} {item['path']}"
                             + (f" parameter {item['parameter']!r}" if item["parameter"] else "")
                             + f"\n    {item['info']}\n    {request_line}")
rows = sorted({(kind, category) for kind, category, _ in counts})
out = ["wapiti findings per category (" + " / ".join(passes) + " pass)", ""]
for kind, category in rows:
    per_pass = " / ".join(str(counts[(kind, category, name)]) for name in passes)
    label = "anomaly" if kind == "anomalies" else "vulnerability"
    out.append(f"  {category:<42} {per_pass:>9}   ({label})")
if not rows:
    out.append("  no findings")
out.append("")
for name in passes:
    log = (report / f"wapiti-{name}.log").read_text(errors="replace")
    cut = re.findall(r"Max attack time was reached for module (\w+)", log)
    out.append(f"  {name} pass: modules stopped by the time limit: {', '.join(cut) or 'none'}")
server = re.sub(r"\x1b\[[0-9;]*m", "", (report / "server.log").read_text(errors="replace"))
errors = Counter(re.findall(r"^([\w.]+(?:Error|Exception)):", server, re.MULTILINE))
statuses = Counter(re.findall(r'HTTP/1\.[01]" (5\d\d) ', server))
out.append("  server log: " + (", ".join(f"{n} × {code}" for code, n in sorted(statuses.items()))
                               or "no 5xx responses")
           + "".join(f"; {n} × {error}" for error, n in errors.most_common()))
summary = "\n".join(out)
(report / "summary.txt").write_text(summary + "\n\nFindings\n========\n\n" + "\n".join(lines) + "\n")
print(summary)
print(f"\nDetails: {report}/summary.txt, {report}/staff.json, {report}/anonymous.json")
EOF
