// The GitHub Actions workflow `seep init --ci github` writes. What it installs follows what the
// project has (a lockfile, requirements.txt), found by initCommand; nothing here reads the disk.

export interface WorkflowInput {
  /** the target runs on Python: set up Python 3.11 */
  python: boolean;
  /** package.json at the project root, and whether it has a lockfile */
  node: { packageJson: boolean; lockfile: boolean };
  /** requirements.txt at the project root */
  requirementsTxt: boolean;
  /** the scenarios folder, relative to the project root ('scenarios') */
  scenariosDir: string;
  /** the project root relative to the repository root, when they differ (a package in a monorepo) */
  workingDirectory: string | undefined;
  /**
   * Where CI's seep comes from: the project's own install (a dependency in package.json, run with
   * `npx --no-install`), or a tarball committed in the project, checked by its sha512 before it is installed.
   */
  seep: { from: 'dependency' } | { from: 'tarball'; file: string; version: string; sha512: string };
}

/** Where a tarball-installed seep goes, inside the project's folder on the runner (never committed). */
export const TARBALL_INSTALL_PREFIX = '.seep/install';

export function renderWorkflow(input: WorkflowInput): string {
  const wd = input.workingDirectory;
  const reports = wd === undefined ? 'reports/' : `${wd}/reports/`;
  return [
    '# Leak tests with seep on every push and pull request, written by `seep init --ci github`.',
    '# The reports (HTML with charts, JUnit, Markdown, JSON) are uploaded as the "seep-reports"',
    '# artifact whether the run passed or not; the Markdown summary also shows on the run\'s page.',
    '# seep exits 1 when a leak or budget check fails and 2 when a scenario could not run: both fail the job.',
    'name: seep',
    '',
    'on:',
    '  push:',
    '  pull_request:',
    '',
    'permissions:',
    '  contents: read',
    '',
    'jobs:',
    '  leaks:',
    '    # seep reads /proc, so Linux runners only',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 30',
    ...(wd === undefined ? [] : ['    defaults:', '      run:', `        working-directory: ${yamlString(wd)}`]),
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    ...(input.node.lockfile ? ['          cache: npm', ...(wd === undefined ? [] : [`          cache-dependency-path: ${yamlString(`${wd}/package-lock.json`)}`])] : []),
    ...(input.python ? pythonSteps(input.requirementsTxt) : []),
    ...nodeInstall(input),
    ...seepInstall(input.seep),
    '      - name: Leak tests',
    `        run: ${seepCommand(input)} run ${yamlString(input.scenariosDir)} --junit reports/junit.xml --markdown reports/summary.md`,
    '      - name: Upload the reports',
    '        if: always()',
    '        uses: actions/upload-artifact@v4',
    '        with:',
    '          name: seep-reports',
    `          path: ${yamlString(reports)}`,
    '          if-no-files-found: warn',
    '',
  ].join('\n');
}

function pythonSteps(requirementsTxt: boolean): string[] {
  return [
    '      - uses: actions/setup-python@v5',
    '        with:',
    "          python-version: '3.11'",
    ...(requirementsTxt
      ? ['      - name: Install the Python dependencies', '        run: pip install -r requirements.txt']
      : [
          '      # Install what the target needs to start, for example:',
          '      # - name: Install the Python dependencies',
          '      #   run: pip install -r requirements.txt   # or: pip install .',
        ]),
  ];
}

function nodeInstall(input: WorkflowInput): string[] {
  if (!input.node.packageJson) return [];
  return ['      - name: Install', `        run: ${input.node.lockfile ? 'npm ci' : 'npm install'}`];
}

/**
 * A seep the project does not install itself comes from the tarball beside the scenarios, checked
 * against the sha512 seep init computed, installed into a folder of its own: nothing is fetched by name.
 */
function seepInstall(seep: WorkflowInput['seep']): string[] {
  if (seep.from === 'dependency') return [];
  return [
    `      # seep ${seep.version} is not a dependency of this project: CI installs ${seep.file}, which seep init`,
    '      # wrote (commit it), after checking it is byte for byte that file; nothing is fetched by name. To',
    '      # change seep, replace the tarball and its sum here (sha512sum prints it).',
    `      - name: Check seep's tarball`,
    `        run: echo ${yamlString(`${seep.sha512}  ${seep.file}`)} | sha512sum --check --strict`,
    `      - name: Install seep ${seep.version}`,
    `        run: npm install --global --prefix ${TARBALL_INSTALL_PREFIX} --no-audit --no-fund ./${seep.file}`,
  ];
}

/** The project's own seep: `--no-install`, so a missing one fails the job instead of being fetched by name. */
function seepCommand(input: WorkflowInput): string {
  return input.seep.from === 'dependency' ? 'npx --no-install seep' : `${TARBALL_INSTALL_PREFIX}/bin/seep`;
}

/** A YAML plain scalar when it is safe as one, else a double-quoted one (JSON strings are valid YAML). */
function yamlString(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : JSON.stringify(value);
}
