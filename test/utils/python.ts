import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PythonResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Where to look when TEST_PYTHON is not set: a venv in the checkout, then the system interpreter. */
const FALLBACK_PYTHONS = [join(__dirname, '..', '..', '.venv', 'bin', 'python'), 'python3'];

/**
 * The Python interpreter that has `huggingface_hub` installed: `TEST_PYTHON`, else a fallback.
 * Throws (so the calling test fails, never silently passes) when none is usable.
 */
export function findPython(): string {
  const candidates = [process.env.TEST_PYTHON, ...FALLBACK_PYTHONS].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  for (const candidate of candidates) {
    if (!existsSync(candidate) && candidate.includes('/')) {
      continue;
    }
    const probe = spawnSync(candidate, ['-c', 'import huggingface_hub; print(huggingface_hub.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) {
      return candidate;
    }
  }
  throw new Error(
    `No Python with huggingface_hub found (tried: ${candidates.join(', ') || 'nothing'}). ` +
      'Set TEST_PYTHON to a Python that has huggingface_hub==2.0.0 installed.',
  );
}

/** Runs a Python script (from stdin) with extra environment variables; resolves with its exit code and output. */
export function runPython(script: string, env: Record<string, string>, timeoutMs = 60_000): Promise<PythonResult> {
  const python = findPython();
  return new Promise((resolve, reject) => {
    // Tokens or endpoints from the developer's own environment must not leak into the script.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(HF_|HUGGING_FACE_)/.test(name)),
    );
    const child = spawn(python, ['-'], { env: { ...inherited, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Python script timed out after ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, stdout, stderr });
    });
    child.stdin.end(script);
  });
}

/**
 * The environment for a `huggingface_hub` script talking to a test hub as `token`: its own HF_HOME
 * under `workDir` (no cache or stored token shared between runs), the legacy LFS path (the hub has
 * no Xet), no telemetry, and `WORK` pointing at `workDir` for the files the script reads.
 */
export function hfClientEnv(hubUrl: string, token: string, workDir: string): Record<string, string> {
  return {
    HF_ENDPOINT: hubUrl,
    HF_TOKEN: token,
    HF_HOME: join(workDir, 'hf-home'),
    HF_HUB_DISABLE_XET: '1',
    HF_HUB_DISABLE_TELEMETRY: '1',
    WORK: workDir,
  };
}

/**
 * Runs `lines` of Python after `from huggingface_hub import HfApi`, `api = HfApi()` and `out = {}`,
 * and answers `out` as the script printed it (JSON, on its last line). Throws with the script's
 * stderr when it exits non-zero, so a failing client call fails the test with its traceback.
 */
export async function runHfScript(
  lines: string[],
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<Record<string, unknown>> {
  const script = [
    'import json, os',
    'from huggingface_hub import HfApi',
    'api = HfApi()',
    'out = {}',
    ...lines,
    'print(json.dumps(out))',
  ].join('\n');
  const result = await runPython(script, env, timeoutMs);
  if (result.exitCode !== 0) {
    throw new Error(`Python failed (${result.exitCode}):\n${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}
