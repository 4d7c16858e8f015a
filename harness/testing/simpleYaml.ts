// Reads the YAML subset seep writes (block mappings, block sequences of mappings, plain and quoted
// scalars, comments) into plain values, throwing on anything else, such as a line indented wrongly.
// Enough for tests to check a generated workflow's structure without a YAML dependency.
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseSimpleYaml(text: string): YamlValue {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (/^\s*(#|$)/.test(raw)) return;
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: a tab; YAML indents with spaces`);
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, text: raw.trim(), no: i + 1 });
  });
  let at = 0;
  const block = (indent: number): YamlValue => (lines[at]!.text.startsWith('- ') ? sequence(indent) : mapping(indent));

  function mapping(indent: number): YamlValue {
    const out: { [key: string]: YamlValue } = {};
    while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.text.startsWith('- ')) {
      const line = lines[at]!;
      const m = /^([\w.-]+):(?: (.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.no}: expected 'key:' or 'key: value', got '${line.text}'`);
      if (m[1]! in out) throw new Error(`line ${line.no}: '${m[1]}' given twice`);
      at++;
      if (m[2] !== undefined) out[m[1]!] = scalar(m[2], line.no);
      else out[m[1]!] = at < lines.length && lines[at]!.indent > indent ? block(lines[at]!.indent) : null;
    }
    return out;
  }

  function sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith('- ')) {
      // '- key: value' opens a mapping whose keys line up two columns in
      lines[at] = { ...lines[at]!, indent: indent + 2, text: lines[at]!.text.slice(2) };
      out.push(mapping(indent + 2));
    }
    return out;
  }

  const doc = lines.length === 0 ? null : mapping(lines[0]!.indent);
  if (at < lines.length) throw new Error(`line ${lines[at]!.no}: unexpected indentation`);
  return doc;
}

function scalar(value: string, no: number): string {
  if (value.startsWith('"')) return JSON.parse(value) as string;
  if (value.startsWith("'")) {
    if (!value.endsWith("'")) throw new Error(`line ${no}: unterminated quote`);
    return value.slice(1, -1).replaceAll("''", "'");
  }
  return value;
}
