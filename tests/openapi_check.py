#!/usr/bin/env python3
"""openapi_check.py - is server/openapi.json complete and true?

Usage: openapi_check.py BIN_DIR SOURCE_DIR

1. The document itself: OpenAPI 3.0.x, every operation with a unique
   operationId and documented responses, every $ref resolving, every
   parameter complete, every schema a valid JSON Schema (draft 4, the
   dialect OpenAPI 3.0 extends), the security schemes it names defined.
   (No OpenAPI meta-schema validator is packaged in Debian 12, so these
   checks stand in for one.)
2. The real server says what the document says: quire-index builds an index
   of corpus/ and a few dated records, quire-serve (with --api-key) serves
   it on a free port, and every request of REQUESTS below is sent. Each
   answer's status must be documented for its operation, its content type
   too, and its body must validate against that response's schema with a
   real JSON Schema validator (python3-jsonschema); its documented headers
   must be present. Every query parameter the document lists is accepted
   (its example or default value answers 200), a parameter it does not list
   is refused, and every operation is exercised.

To cover a new endpoint, parameter or format: document it in
server/openapi.json and add its requests to REQUESTS.
"""
import copy
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import warnings

import jsonschema

KEY = "contract-key-7"

# (path with query, expected status, options). Options: "method": the HTTP
# method (default GET); "auth": send the key as a Bearer header (default
# True); "headers": more request headers; "body": send this request body;
# "text": a text/plain answer is expected; "volatile": the body changes at
# every request (no 304).
REQUESTS = [
    ("/api/search?q=grid", 200, {}),
    ("/api/search?q=%22cyber+blame+game%22&limit=3&offset=0&sort=date", 200, {}),
    ("/api/search?q=grid&sort=relevance&source=contract&from=2016&to=2024-12-31", 200, {}),
    ("/api/search?q=respective+roles+in+cyber+spying&format=json", 200, {}),
    ("/api/search?q=grid&format=text", 200, {"text": True}),
    ("/api/search?q=grid", 200, {"headers": {"Accept": "text/plain"}, "text": True}),
    ("/api/search?q=grid", 200, {"headers": {"Accept-Encoding": "gzip"}}),
    ("/api/search?q=zzzunknownword", 200, {}),
    ("/api/search?q=gridd", 200, {}),  # spelling: suggestion "grid", hits corrected
    ("/api/search?q=grid&key=" + KEY, 200, {"auth": False}),
    ("/api/search?q=grid&from=2017-13", 400, {}),
    ("/api/search?q=grid&offset=9950&limit=100", 400, {}),
    ("/api/search?q=grid&from=2018&to=2017", 400, {}),
    ("/api/search?q=grid&page=3", 400, {}),
    ("/api/search", 400, {}),
    ("/api/search?q=grid+date:2016-02-30", 400, {}),
    ("/api/search?q=china)+x", 400, {}),
    ("/api/search?q=china)+x&format=text", 400, {"text": True}),
    ("/api/search?q=grid", 401, {"auth": False}),
    ("/api/search?q=grid&format=text", 401, {"auth": False, "text": True}),
    ("/api/search?q=grid", 413, {"body": "x"}),
    ("/api/doc/000_b9d2c723326dce3c.txt", 200, {}),
    ("/api/doc/dated-2", 200, {}),
    ("/api/doc/dated-3", 200, {}),
    ("/api/doc/no-such-document", 404, {}),
    ("/api/doc/000_b9d2c723326dce3c.txt?fields=title", 400, {}),
    ("/api/doc/000_b9d2c723326dce3c.txt", 401, {"auth": False}),
    ("/api/similar/dated-1?limit=2&offset=0&source=contract&from=2016&to=2024&snippets=1", 200, {}),
    ("/api/similar/dated-1?snippets=0", 200, {}),
    ("/api/similar/dated-1?format=text", 200, {"text": True}),
    ("/api/similar/no-such-document", 404, {}),
    ("/api/similar/dated-1?offset=95", 400, {}),
    ("/api/similar/dated-1?snippets=yes", 400, {}),
    ("/api/similar/dated-1", 401, {"auth": False}),
    ("/api/health", 200, {"auth": False}),
    ("/api/health?verbose=1", 400, {}),
    ("/api/stats", 200, {"volatile": True}),
    ("/api/stats", 401, {"auth": False}),
    ("/api/search?q=grid&facets=source,year,author&facet_size=2", 200, {}),
    ("/api/search?q=grid&facets=year&format=text", 200, {"text": True}),
    ("/api/search?q=grid&source=nosuch&from=2030", 200, {}),
    ("/api/search?q=grid&facets=title", 400, {}),
    ("/api/search?q=grid&facets=source&facet_size=101", 400, {}),
    ("/api/search?q=sednit+grid", 200, {}),
    ("/api/search?q=grizzly+steppe&aliases=0", 200, {}),
    ("/api/search?q=grizzly+steppe", 200, {}),
    ("/api/search?q=grid&aliases=2", 400, {}),
    ("/api/sources", 200, {}),
    ("/api/sources?format=text", 200, {"text": True}),
    ("/api/sources?format=csv", 400, {}),
    ("/api/sources", 401, {"auth": False}),
    ("/openapi.json", 200, {}),
    # Exports and feeds (format=csv|jsonl|atom), the OpenSearch description, batches.
    ("/api/search?q=grid&format=csv", 200, {}),
    ("/api/search?q=grid", 200, {"headers": {"Accept": "text/csv"}}),
    ("/api/search?q=grid&format=jsonl&sort=date&source=contract", 200, {}),
    ("/api/search?q=grid&format=atom&limit=2", 200, {}),
    ("/api/search?q=grid&format=atom&from=2018&to=2017", 400, {}),
    ("/api/search?q=china)+x&format=csv", 400, {}),
    ("/api/search?q=grid&format=rss", 400, {}),
    ("/opensearch.xml", 200, {"auth": False}),
    ("/api/batch?limit=2", 200, {"method": "POST", "body": '["grid", "china) x", ""]',
                                 "headers": {"Content-Type": "application/json"}}),
    ("/api/batch?format=csv&sort=date&from=2016", 200, {"method": "POST", "body": "grid\ncyber\n",
                                                        "headers": {"Content-Type": "text/plain"}}),
    ("/api/batch", 400, {"method": "POST", "body": "[1]",
                         "headers": {"Content-Type": "application/json"}}),
    ("/api/batch?limit=11", 400, {"method": "POST", "body": "grid"}),
    ("/api/batch?from=2018&to=2017", 400, {"method": "POST", "body": "grid"}),
    ("/api/batch", 413, {"method": "POST", "body": "".join("q%d\n" % i for i in range(1001))}),
    ("/api/batch", 401, {"method": "POST", "body": "grid", "auth": False}),
    ("/", 200, {"auth": False}),
    ("/?q=grid&sort=date&utm_source=mail", 200, {"auth": False}),
    ("/doc/000_b9d2c723326dce3c.txt?q=grid", 200, {"auth": False}),
    ("/assets/app.js", 200, {"auth": False}),
    ("/assets/style.css", 200, {"auth": False}),
    ("/assets/nope.js", 404, {"auth": False}),
]

# Sent to a server whose index was damaged under it (issue 16): its
# docdata.glass cut to nothing once it serves.
DAMAGED_REQUESTS = [
    ("/api/search?q=grid", 503, {}),
    ("/api/health", 503, {"auth": False}),
    ("/api/doc/dated-2", 503, {}),
]

# Records with the dates articles come with: the API must show each as a
# calendar date or null.
DATED = [
    {"id": "dated-1", "title": "Grid one", "source": "contract", "date": "2024-07-19T16:00:00Z",
     "body": "The grid was attacked."},
    {"id": "dated-2", "title": "Grid two", "source": "contract", "date": "yesterday",
     "body": "The grid went dark."},
    {"id": "dated-3", "title": "Grid three", "source": "contract", "date": "May 4, 2016",
     "body": "A grid outage."},
]


class Failure(Exception):
    pass


def fail(msg):
    raise Failure(msg)


# ----------------------------------------------------------- the document --

def resolve(spec, node):
    """Follow a {"$ref": "#/..."} (repeatedly) to the object it names."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            fail("external $ref %s" % ref)
        node = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                fail("$ref %s does not resolve" % ref)
            node = node[part]
        seen += 1
        if seen > 20:
            fail("$ref loop at %s" % ref)
    return node


def walk_refs(spec, node, where="#"):
    if isinstance(node, dict):
        if "$ref" in node:
            resolve(spec, node)
        for k, v in node.items():
            walk_refs(spec, v, where + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_refs(spec, v, "%s/%d" % (where, i))


def to_json_schema(node):
    """OpenAPI 3.0 schemas are JSON Schema draft 4 with extensions; the one
    that changes validation is nullable: true, which allows null."""
    if isinstance(node, list):
        return [to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False) is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = out["enum"] + [None]
    return out


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "head", "options", "patch", "trace"):
                yield path, method, op


def check_document(spec):
    if not re.match(r"^3\.0\.\d+$", spec.get("openapi", "")):
        fail("openapi is not 3.0.x: %r" % spec.get("openapi"))
    for field in ("title", "version"):
        if not isinstance(spec.get("info", {}).get(field), str):
            fail("info.%s missing" % field)
    for k in spec:
        if k not in ("openapi", "info", "servers", "paths", "components", "security", "tags",
                     "externalDocs") and not k.startswith("x-"):
            fail("unknown top-level field %s" % k)
    walk_refs(spec, spec)
    schemes = spec.get("components", {}).get("securitySchemes", {})
    ids = set()
    for path, method, op in operations(spec):
        where = "%s %s" % (method.upper(), path)
        oid = op.get("operationId")
        if not oid or oid in ids:
            fail("%s: operationId missing or not unique" % where)
        ids.add(oid)
        if not op.get("responses"):
            fail("%s: no responses" % where)
        for code, resp in op["responses"].items():
            resp = resolve(spec, resp)
            if not re.match(r"^([1-5][0-9][0-9]|[1-5]XX|default)$", code):
                fail("%s: bad response code %s" % (where, code))
            if not isinstance(resp.get("description"), str):
                fail("%s %s: response without description" % (where, code))
        templated = set(re.findall(r"\{([^}]+)\}", path))
        for p in op.get("parameters", []):
            p = resolve(spec, p)
            for field in ("name", "in", "schema"):
                if field not in p:
                    fail("%s: parameter without %s: %r" % (where, field, p))
            if p["in"] not in ("query", "header", "path", "cookie"):
                fail("%s: parameter %s in %s" % (where, p["name"], p["in"]))
            if p["in"] == "path":
                if not p.get("required"):
                    fail("%s: path parameter %s not required" % (where, p["name"]))
                templated.discard(p["name"])
        if templated:
            fail("%s: path parameters %s not declared" % (where, templated))
        for req in op.get("security", spec.get("security", [])):
            for name in req:
                if name not in schemes:
                    fail("%s: security scheme %s not defined" % (where, name))
    # Every schema must be a valid JSON Schema.
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft4Validator.check_schema(to_json_schema(schema))
        except jsonschema.SchemaError as e:
            fail("components/schemas/%s is not a JSON Schema: %s" % (name, e.message))


# ------------------------------------------------------------- the server --

class Server:
    def __init__(self, bin_dir, db):
        self.proc = subprocess.Popen(
            [os.path.join(bin_dir, "quire-serve"), "--db", db, "--port", "0", "--api-key", KEY],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        line = self.proc.stderr.readline()
        m = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            fail("quire-serve said: %r" % line)
        self.port = int(m.group(1))
        # Drain the access log so the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def send(self, method, path, headers, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        result = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), data)
        conn.close()
        return result

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def operation_of(spec, path, method="GET"):
    """The (template, operation) serving `method path` (query string
    removed)."""
    bare = urllib.parse.urlsplit(path).path
    for template, m, op in operations(spec):
        if m != method.lower():
            continue
        rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(rx, bare):
            return template, op
    fail("%s %s: no operation in the document serves it" % (method, path))


def validator_for(spec_js, schema):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver("", spec_js)
        return jsonschema.Draft4Validator(schema, resolver=resolver)


def check_answer(spec, spec_js, path, want, opts, answer):
    status, headers, data = answer
    method = opts.get("method", "GET")
    template, op = operation_of(spec, path, method)
    where = "%s %s" % (method, path)
    if status != want:
        fail("%s: status %d, expected %d: %r" % (where, status, want, data[:300]))
    resp = op["responses"].get(str(status)) or op["responses"].get("default")
    if resp is None:
        fail("%s: status %d is not documented for %s" % (where, status, template))
    resp = resolve(spec, resp)
    for name, h in resp.get("headers", {}).items():
        # "required": false: a header only some answers have (X-Quire-Partial)
        if resolve(spec, h).get("required", True) and name.lower() not in headers:
            fail("%s: documented header %s missing" % (where, name))
    content = resp.get("content")
    if not content:
        if data:
            fail("%s: %d has a body the document does not describe" % (where, status))
        return
    ctype = headers.get("content-type", "").split(";")[0].strip()
    if ctype not in content:
        fail("%s: content type %s is not documented (%s)" % (where, ctype, list(content)))
    if bool(opts.get("text")) != (ctype == "text/plain"):
        fail("%s: answered as %s" % (where, ctype))
    if headers.get("content-encoding") == "gzip":
        import gzip
        data = gzip.decompress(data)
    schema = to_json_schema(content[ctype].get("schema", {}))
    instance = data.decode("utf-8")
    if ctype == "application/json":
        instance = json.loads(instance)
    errors = sorted(validator_for(spec_js, schema).iter_errors(instance), key=str)
    if errors:
        e = errors[0]
        fail("%s: the answer does not match the document at %s: %s" %
             (where, "/".join(str(p) for p in e.absolute_path), e.message))


def request(server, path, opts):
    headers = dict(opts.get("headers", {}))
    if opts.get("auth", True):
        headers["Authorization"] = "Bearer " + KEY
    return server.send(opts.get("method", "GET"), path, headers, opts.get("body"))


def check_parameters(spec, server):
    """Every documented query parameter is taken; an undocumented one is
    refused with bad_parameter naming it."""
    for template, method, op in operations(spec):
        if method != "get" or "{" in template or op.get("x-any-parameters"):
            continue  # x-any-parameters: the page, whose query string is its app's
        params = [resolve(spec, p) for p in op.get("parameters", [])]
        query = [p for p in params if p["in"] == "query"]
        required = {p["name"]: str(p.get("example", p["schema"].get("default", "grid")))
                    for p in query if p.get("required")}
        for p in query:
            value = p.get("example", p["schema"].get("default"))
            if value is None:
                fail("%s: parameter %s has no example or default to try" % (template, p["name"]))
            args = dict(required, **{p["name"]: str(value)})
            path = template + "?" + urllib.parse.urlencode(args)
            status, _, data = request(server, path, {})
            if status != 200:
                fail("GET %s: documented parameter %s refused: %d %r" %
                     (path, p["name"], status, data[:200]))
        path = template + "?" + urllib.parse.urlencode(dict(required, undocumented="1"))
        status, _, data = request(server, path, {})
        err = json.loads(data).get("error", {}) if status == 400 else {}
        if err.get("code") != "bad_parameter" or err.get("parameter") != "undocumented":
            fail("GET %s: an undocumented parameter was not refused: %d %r" %
                 (path, status, data[:200]))


def check_damaged(spec, spec_js, bin_dir, db, tmp):
    """DAMAGED_REQUESTS against a server on a copy of db damaged while
    served."""
    copy = os.path.join(tmp, "damaged")
    shutil.copytree(db, copy)
    with open(os.path.join(copy, "XAPIANDB")) as f:
        shard = f.read().split()[1]
    server = Server(bin_dir, copy)
    try:
        os.truncate(os.path.join(copy, shard, "docdata.glass"), 0)
        for path, want, opts in DAMAGED_REQUESTS:
            status, headers, body = request(server, path, opts)
            check_answer(spec, spec_js, path, want, opts, (status, headers, body))
            if b"damaged" not in body:
                fail("GET %s on a damaged index: the answer does not say damaged: %r" %
                     (path, body[:200]))
    finally:
        server.stop()


def main():
    bin_dir, source_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(source_dir, "server", "openapi.json"), encoding="utf-8") as f:
        spec = json.load(f)
    check_document(spec)
    spec_js = to_json_schema(spec)
    tmp = tempfile.mkdtemp(prefix="quire-openapi-")
    server = None
    try:
        dated = os.path.join(tmp, "dated.jsonl")
        with open(dated, "w", encoding="utf-8") as f:
            for rec in DATED:
                f.write(json.dumps(rec) + "\n")
        db = os.path.join(tmp, "db")
        subprocess.run([os.path.join(bin_dir, "quire-index"), "--db", db, "--quiet",
                        os.path.join(source_dir, "corpus"), dated],
                       check=True, stderr=subprocess.DEVNULL)
        server = Server(bin_dir, db)
        status, _, served = request(server, "/openapi.json", {})
        if json.loads(served) != spec:
            fail("/openapi.json is not server/openapi.json")
        exercised = set()
        for path, want, opts in REQUESTS:
            check_answer(spec, spec_js, path, want, opts, request(server, path, opts))
            if want == 200:
                exercised.add(operation_of(spec, path, opts.get("method", "GET"))[1]["operationId"])
        # 304 for every 200 revalidated with its ETag.
        for path, want, opts in REQUESTS:
            if (want == 200 and opts.get("auth", True) and not opts.get("volatile") and
                    opts.get("method", "GET") == "GET"):
                _, headers, _ = request(server, path, opts)
                again = dict(opts, headers=dict(opts.get("headers", {}),
                                                **{"If-None-Match": headers["etag"]}))
                check_answer(spec, spec_js, path, 304, again, request(server, path, again))
        check_parameters(spec, server)
        check_damaged(spec, spec_js, bin_dir, db, tmp)
        missing = {op["operationId"] for _, _, op in operations(spec)} - exercised
        if missing:
            fail("operations no request of REQUESTS answered with 200: %s" % sorted(missing))
    finally:
        if server:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("openapi_check: %d requests, %d operations: the document holds" %
          (len(REQUESTS), len(list(operations(spec)))))


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print("openapi_check: FAIL: %s" % e, file=sys.stderr)
        sys.exit(1)
