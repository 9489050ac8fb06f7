import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface PythonResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The machine's venv with the pinned client, used when TEST_PYTHON is not set. */
const FALLBACK_PYTHON = '/tmp/hfvenv/bin/python';

/**
 * The Python interpreter that has `huggingface_hub` installed: `TEST_PYTHON`, else the local venv.
 * Throws (so the calling test fails, never silently passes) when none is usable.
 */
export function findPython(): string {
  const candidates = [process.env.TEST_PYTHON, FALLBACK_PYTHON].filter(
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
