// The GitHub Actions workflow `seep init --ci github` writes. What it installs follows what the
// project has (a lockfile, requirements.txt), found by initCommand; nothing here reads the disk.

export interface WorkflowInput {
  /** the target runs on Python: set up Python 3.11 */
  python: boolean;
  /** package.json at the project root, and whether it has a lockfile and lists seep */
  node: { packageJson: boolean; lockfile: boolean; seepDependency: boolean };
  /** requirements.txt at the project root */
  requirementsTxt: boolean;
  /** the scenarios folder, relative to the project root ('scenarios') */
  scenariosDir: string;
  /** the project root relative to the repository root, when they differ (a package in a monorepo) */
  workingDirectory: string | undefined;
  seepVersion: string;
}

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
    ...(input.node.seepDependency
      ? []
      : [
          '      # seep is not a dependency of this project: npx fetches it, pinned to the version that wrote',
          '      # this file so a new release cannot change CI unannounced (--yes: CI cannot answer a prompt).',
          '      # Or add it (npm install --save-dev seep) and run `npx seep`.',
        ]),
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

function seepCommand(input: WorkflowInput): string {
  if (input.node.seepDependency) return 'npx seep';
  return `npx --yes seep@${input.seepVersion}`;
}

/** A YAML plain scalar when it is safe as one, else a double-quoted one (JSON strings are valid YAML). */
function yamlString(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : JSON.stringify(value);
}
