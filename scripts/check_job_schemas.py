"""Finished jobs' results against their schema in /openapi.json (JobView, whose result is a
ForecastReport or a PlanReport). Random fuzzing rarely polls a job that has finished, so
scripts/schemathesis.sh runs one job of each kind to the end and checks it here.

    python3 scripts/check_job_schemas.py BASE_URL API_KEY ACCOUNT_EXT_ID

Needs jsonschema_rs (it comes with schemathesis).
"""
import json
import sys
import time
import urllib.request

import jsonschema_rs


def main():
    base, key, ext = sys.argv[1:4]

    def call(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            base + path,
            method=method,
            data=data,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    doc = call("GET", "/openapi.json")
    # The document as a JSON Schema whose root is JobView, so its `#/components/schemas/...` refs resolve
    # (a 2020-12 validator ignores the document's other keys).
    schema = dict(doc, **{"$ref": "#/components/schemas/JobView"})
    validator = jsonschema_rs.Draft202012Validator(schema)
    jobs = [
        ("forecast", {"platform": "synthetic", "account": ext, "simulations": 200}),
        ("plan", {"k": 3}),
    ]
    for kind, body in jobs:
        job = call("POST", f"/v1/jobs/{kind}", body)
        for _ in range(600):
            job = call("GET", f"/v1/jobs/{job['id']}")
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        if job["status"] != "done" or "result" not in job:
            sys.exit(f"the {kind} job did not finish with a result: {job}")
        errors = [str(e) for e in validator.iter_errors(job)]
        if errors:
            sys.exit(f"the {kind} job does not match its schema: " + "; ".join(errors[:5]))
        print(f"{kind} job result matches its schema ({len(json.dumps(job['result']))} bytes of JSON)")


if __name__ == "__main__":
    main()
