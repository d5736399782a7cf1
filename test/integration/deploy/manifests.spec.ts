import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// Budget: the first run creates a Python venv and installs the pinned kubernetes-validate from PyPI
// (about 90 s on the shared machine); later runs reuse it and take a few seconds.
jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'deploy', 'validate-manifests.sh');
const run = promisify(execFile);

async function validate(...files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('bash', [SCRIPT, ...files], { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// The Kubernetes example against the API schemas of Kubernetes 1.37, strict (unknown fields fail).
describe('deploy/kubernetes manifests', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'manifests-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('every manifest validates', async () => {
    const result = await validate();
    expect(result.output).not.toMatch(/ERROR/);
    expect(result.code).toBe(0);
  });

  it.each([
    ['a misspelt field', 'readinessProbe:', 'readinesProbe:', /'readinesProbe' was unexpected/],
    [
      'a wrong type',
      'containerPort: 3000',
      'containerPort: "http"',
      /containerPort: 'http' is not of type 'integer'/,
    ],
  ])('the validator rejects %s', async (_what, from, to, message) => {
    const file = path.join(dir, 'deployment.yaml');
    const original = readFileSync(path.join(ROOT, 'deploy', 'kubernetes', 'deployment.yaml'), 'utf8');
    expect(original).toContain(from);
    writeFileSync(file, original.replace(from, to));
    const result = await validate(file);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(message);
  });
});
