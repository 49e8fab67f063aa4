# Shared by the scripts that drive a live server (source it): start `earshot serve` on a free loopback
# port and wait until it announces its address.
#
#   start_server EARSHOT DB DIR     sets $server (the pid) and $base (http://127.0.0.1:PORT);
#                                   the server's stdout and log go to DIR/addr.txt and DIR/server.log
start_server() {
  local earshot="$1" db="$2" dir="$3"
  "$earshot" --db "$db" serve --listen 127.0.0.1:0 --log-format text > "$dir/addr.txt" 2> "$dir/server.log" &
  server=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$dir/addr.txt" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  base="$(sed -n 's/^earshot: listening on //p' "$dir/addr.txt")"
  if [ -z "$base" ]; then
    echo "error: the server did not start:" >&2
    cat "$dir/server.log" >&2
    return 1
  fi
}
