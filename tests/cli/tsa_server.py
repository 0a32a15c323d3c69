"""A throwaway RFC 3161 time-stamping authority on loopback for the CLI tests: each POST body (a
TimeStampReq) is answered by `openssl ts -reply` with the TSA certificate and key of CONFIG.

Usage: tsa_server.py CONFIG PORT_FILE [TLS_CERT TLS_KEY]  (binds 127.0.0.1 on a free port, writes the port to
PORT_FILE; with TLS_CERT and TLS_KEY it speaks https)
Requests with another content type get 415; `openssl ts -reply` failures get 500 with its stderr."""
import http.server
import ssl
import subprocess
import sys
import tempfile


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        if self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_error(415, "expected application/timestamp-query")
            return
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with tempfile.NamedTemporaryFile(suffix=".tsq") as q, tempfile.NamedTemporaryFile(suffix=".tsr") as r:
            q.write(query)
            q.flush()
            done = subprocess.run(["openssl", "ts", "-reply", "-config", sys.argv[1], "-queryfile", q.name,
                                   "-out", r.name], capture_output=True)
            if done.returncode != 0:
                self.send_error(500, done.stderr.decode(errors="replace")[-200:])
                return
            reply = open(r.name, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, fmt, *args):
        sys.stderr.write("tsa: " + (fmt % args) + "\n")


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 4:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = tls.wrap_socket(server.socket, server_side=True)
with open(sys.argv[2], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
