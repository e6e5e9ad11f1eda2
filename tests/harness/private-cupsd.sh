#!/usr/bin/env bash
# A private CUPS scheduler for the printing tests, on its own socket, with its own spool and
# state under DIR; nothing of the machine's CUPS is touched except one per-queue cups-pdf
# file (/etc/cups/cups-pdf-QUEUE.conf, removed by "stop": cups-pdf reads its settings only
# from there). Queues:
#   QUEUE      cups-pdf: a real PDF printer; finished PDFs land in DIR/out
#   QUEUE-nopaper  a printer whose backend reports "media-empty" and stops, as one out of paper
#
#   private-cupsd.sh start DIR QUEUE   -> prints "export CUPS_SERVER=DIR/cups.sock"
#   private-cupsd.sh stop DIR QUEUE
set -euo pipefail
action=$1 dir=$2 queue=$3

if [[ $action == stop ]]; then
  pkill -f "cupsd -f -c $dir/cupsd.conf" 2>/dev/null || true
  rm -f "/etc/cups/cups-pdf-$queue.conf" "/etc/cups/cups-pdf-$queue-nopaper.conf"
  exit 0
fi

mkdir -p "$dir"/{etc/ppd,spool/tmp,cache,state,log,bin/backend,out}
# CUPS runs its filters as lp: every folder above DIR must let others through, or jobs come
# out empty while CUPS still calls them completed.
for parent in $(dirname "$(realpath "$dir")") ; do
  while [[ $parent != / ]]; do
    if (( (0$(stat -c %a "$parent") & 1) == 0 )); then
      echo "private-cupsd.sh: $parent is not reachable by lp (chmod o+x it)" >&2
      exit 1
    fi
    parent=$(dirname "$parent")
  done
done
chmod 755 "$dir" "$dir"/{etc,spool,cache,state,log,bin,out}
chmod 1777 "$dir/out" "$dir/spool/tmp"
# ServerBin: the system's filters and backends, plus a backend that runs out of paper.
for entry in /usr/lib/cups/*; do
  [[ $(basename "$entry") == backend ]] || ln -sfn "$entry" "$dir/bin/$(basename "$entry")"
done
for backend in /usr/lib/cups/backend/*; do ln -sfn "$backend" "$dir/bin/backend/$(basename "$backend")"; done
cat > "$dir/bin/backend/kk-nopaper" <<'BACKEND'
#!/bin/sh
# A printer out of paper: says so the way real printers do, then asks CUPS to stop the queue.
if [ $# -eq 0 ]; then echo 'direct kk-nopaper "Unknown" "Out-of-paper printer (tests)"'; exit 0; fi
cat >/dev/null
echo "STATE: +media-empty-error" >&2
echo "ERROR: Media tray empty" >&2
exit 4
BACKEND
chmod 755 "$dir/bin/backend/kk-nopaper"

cat > "$dir/etc/cups-files.conf" <<CONF
ServerRoot $dir/etc
RequestRoot $dir/spool
TempDir $dir/spool/tmp
CacheDir $dir/cache
StateDir $dir/state
ServerBin $dir/bin
AccessLog $dir/log/access_log
ErrorLog $dir/log/error_log
PageLog $dir/log/page_log
FileDevice No
User lp
Group lp
SystemGroup root
CONF
cat > "$dir/cupsd.conf" <<CONF
Listen $dir/cups.sock
LogLevel info
WebInterface No
Browsing No
DefaultShared No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
# cups-pdf writes where its per-queue file says.
printf 'Out %s\nAnonDirName %s\nUserUMask 0022\nLabel 0\n' "$dir/out" "$dir/out" > "/etc/cups/cups-pdf-$queue.conf"

cupsd -f -c "$dir/cupsd.conf" -s "$dir/etc/cups-files.conf" >"$dir/log/cupsd.out" 2>&1 &
for _ in $(seq 100); do [[ -S $dir/cups.sock ]] && break; sleep 0.05; done
export CUPS_SERVER=$dir/cups.sock
lpadmin -p "$queue" -E -v "cups-pdf:/$queue" -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
lpadmin -p "$queue-nopaper" -E -v kk-nopaper:/ -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
lpadmin -d "$queue"
echo "export CUPS_SERVER=$dir/cups.sock"
