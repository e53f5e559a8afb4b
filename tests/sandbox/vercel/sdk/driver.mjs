// Drives the official @vercel/sdk against the sandbox, for tests/sandbox/vercel.
//
// stdin:  {"serverURL", "bearerToken", "steps": [{"call": op, "request": {...}} | {"validate": op, "body": ...}]}
// stdout: {"results": [...]}, one per step:
//   call, answered 2xx: {"ok": true, "status", "method", "path", "value" (what the SDK returned), "raw"}
//   call, answered 4xx/5xx: {"ok": false, "status", "method", "path", "body"}
//   validate: {"ok": true, "valid": true}
// A response the SDK cannot parse, or parses only through its lax coercions (null for a string, a
// string for a number, a missing required field defaulted) or by dropping fields it does not know,
// fails the whole run: exit 2 with the problems on stderr.

// The SDK's standalone functions (the same code its `Vercel` class calls) load in a fraction of the time.
import { VercelCore } from "@vercel/sdk/core.js";
import { projectsBatchRemoveProjectEnv } from "@vercel/sdk/funcs/projectsBatchRemoveProjectEnv.js";
import { projectsCreateProjectEnv } from "@vercel/sdk/funcs/projectsCreateProjectEnv.js";
import { projectsEditProjectEnv } from "@vercel/sdk/funcs/projectsEditProjectEnv.js";
import { projectsFilterProjectEnvs } from "@vercel/sdk/funcs/projectsFilterProjectEnvs.js";
import { projectsGetProject } from "@vercel/sdk/funcs/projectsGetProject.js";
import { projectsGetProjectEnv } from "@vercel/sdk/funcs/projectsGetProjectEnv.js";
import { projectsRemoveProjectEnv } from "@vercel/sdk/funcs/projectsRemoveProjectEnv.js";
import { HTTPClient } from "@vercel/sdk/lib/http.js";
import { ResponseValidationError } from "@vercel/sdk/models/responsevalidationerror.js";
import { VercelError } from "@vercel/sdk/models/vercelerror.js";
import { BatchRemoveProjectEnvResponseBody$inboundSchema } from "@vercel/sdk/models/batchremoveprojectenvop.js";
import { CreateProjectEnvResponseBody$inboundSchema } from "@vercel/sdk/models/createprojectenvop.js";
import { EditProjectEnvResponseBody$inboundSchema } from "@vercel/sdk/models/editprojectenvop.js";
import { FilterProjectEnvsResponseBody$inboundSchema } from "@vercel/sdk/models/filterprojectenvsop.js";
import { GetProjectEnvResponseBody$inboundSchema } from "@vercel/sdk/models/getprojectenvop.js";
import { GetProjectResponseBody$inboundSchema } from "@vercel/sdk/models/getprojectresponsebody.js";
import { RemoveProjectEnvResponseBody$inboundSchema } from "@vercel/sdk/models/removeprojectenvop.js";
import { startCountingDefaultToZeroValue } from "@vercel/sdk/types/defaultToZeroValue.js";
import { startCountingUnrecognized } from "@vercel/sdk/types/unrecognized.js";

const OPERATIONS = {
  getProject: [projectsGetProject, GetProjectResponseBody$inboundSchema],
  createProjectEnv: [projectsCreateProjectEnv, CreateProjectEnvResponseBody$inboundSchema],
  filterProjectEnvs: [projectsFilterProjectEnvs, FilterProjectEnvsResponseBody$inboundSchema],
  getProjectEnv: [projectsGetProjectEnv, GetProjectEnvResponseBody$inboundSchema],
  editProjectEnv: [projectsEditProjectEnv, EditProjectEnvResponseBody$inboundSchema],
  removeProjectEnv: [projectsRemoveProjectEnv, RemoveProjectEnvResponseBody$inboundSchema],
  batchRemoveProjectEnv: [projectsBatchRemoveProjectEnv, BatchRemoveProjectEnvResponseBody$inboundSchema],
};

class StrictnessError extends Error {}

function dropped(raw, parsed, path, out) {
  if (Array.isArray(raw)) {
    if (!Array.isArray(parsed) || parsed.length !== raw.length) {
      out.push(`${path || "<body>"}: array parsed as ${JSON.stringify(parsed)?.slice(0, 80)}`);
      return;
    }
    raw.forEach((item, i) => dropped(item, parsed[i], `${path}[${i}]`, out));
  } else if (raw !== null && typeof raw === "object") {
    if (parsed === null || typeof parsed !== "object") {
      out.push(`${path || "<body>"}: object parsed as ${JSON.stringify(parsed)?.slice(0, 80)}`);
      return;
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!(key in parsed)) {
        out.push(`${path}.${key}: not in the SDK's schema (dropped)`);
      } else {
        dropped(value, parsed[key], `${path}.${key}`, out);
      }
    }
  } else if (raw !== parsed) {
    out.push(`${path}: ${JSON.stringify(raw)} parsed as ${JSON.stringify(parsed)}`);
  }
}

function strictParse(operation, schema, body) {
  const lax = startCountingUnrecognized();
  const zero = startCountingDefaultToZeroValue();
  let parsed;
  let zeros = 0;
  let coerced = 0;
  try {
    parsed = schema.parse(body);
  } catch (error) {
    throw new StrictnessError(`${operation}: the SDK's schema rejects the response: ${error}`);
  } finally {
    zeros = zero.end();
    coerced = lax.end();
  }
  const problems = [];
  if (coerced || zeros) {
    problems.push(`${coerced} field(s) parsed only by lax coercion (${zeros} defaulted to a zero value)`);
  }
  dropped(body, parsed, "", problems);
  if (problems.length) {
    throw new StrictnessError(
      `${operation}: response does not match the SDK's schema exactly:\n  ${problems.join("\n  ")}\n` +
        `body: ${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
  return parsed;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

async function main() {
  const input = await readStdin();
  let last = null;
  const httpClient = new HTTPClient();
  httpClient.addHook("response", async (res, req) => {
    const url = new URL(req.url);
    last = { status: res.status, method: req.method, path: url.pathname + url.search, text: await res.clone().text() };
  });
  const sdk = new VercelCore({ bearerToken: input.bearerToken, serverURL: input.serverURL, httpClient });
  const results = [];
  for (const step of input.steps) {
    if (step.validate) {
      if (!OPERATIONS[step.validate]) throw new Error(`unknown operation ${step.validate}`);
      const [, schema] = OPERATIONS[step.validate];
      strictParse(step.validate, schema, step.body);
      results.push({ ok: true, valid: true });
      continue;
    }
    if (!OPERATIONS[step.call]) throw new Error(`unknown operation ${step.call}`);
    const [call, schema] = OPERATIONS[step.call];
    last = null;
    const result = await call(sdk, step.request);
    if (result.ok) {
      const raw = JSON.parse(last.text);
      strictParse(step.call, schema, raw);
      results.push({ ok: true, status: last.status, method: last.method, path: last.path, value: result.value, raw });
      continue;
    }
    const error = result.error;
    if (error instanceof ResponseValidationError || !(error instanceof VercelError)) throw error;
    let body = error.body;
    try {
      body = JSON.parse(error.body);
    } catch {
      // not JSON: the test sees the text
    }
    results.push({ ok: false, status: error.statusCode, method: last?.method, path: last?.path, body });
  }
  process.stdout.write(JSON.stringify({ results }));
}

main().catch((error) => {
  const detail = error instanceof ResponseValidationError ? `\n${error.pretty?.() ?? error.rawValue}` : "";
  process.stderr.write(`${error.stack ?? error}${detail}\n`);
  process.exit(error instanceof StrictnessError || error instanceof ResponseValidationError ? 2 : 1);
});
