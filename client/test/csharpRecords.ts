// A small reader of the server's protocol records (server/Protocol/*.cs), enough to list the JSON
// field names each record serializes to: positional record parameters and `{ get; init; }`
// properties, camelCased as the server's source-generated JsonSerializerContext does.

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Splits on commas that are not inside <>, () or []. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if ('<([{'.includes(ch)) depth++;
    else if ('>)]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) { parts.push(current); current = ''; } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** Index of the brace matching the one at `open`. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** Record name → its JSON field names, for every record declared in `source`. */
export function recordFields(source: string): Map<string, string[]> {
  const text = stripComments(source);
  const records = new Map<string, string[]>();
  const header = /\brecord\s+(\w+)\s*(\(([\s\S]*?)\))?\s*(?::[^;{]*)?([;{])/g;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const name = m[1] as string;
    const fields: string[] = [];
    if (m[3] !== undefined) {
      for (const param of splitTopLevel(m[3])) {
        const beforeDefault = (param.split('=')[0] as string).replace(/\[[^\]]*\]/g, '').trim();
        const id = /(\w+)\s*$/.exec(beforeDefault);
        if (id) fields.push(camel(id[1] as string));
      }
    }
    if (m[4] === '{') {
      const open = (m.index as number) + m[0].length - 1;
      const body = text.slice(open + 1, matchingBrace(text, open));
      const property = /public\s+(?:required\s+)?(?!static|const)[\w<>\[\]?,.\s]+?\s+(\w+)\s*\{\s*get;/g;
      for (let p = property.exec(body); p; p = property.exec(body)) fields.push(camel(p[1] as string));
    }
    records.set(name, fields);
  }
  return records;
}

/** Constant name → string value of `public const string X = "…"` / `Prefix + "…"` declarations. */
export function stringConstants(source: string): Map<string, string> {
  const text = stripComments(source);
  const constants = new Map<string, string>();
  const decl = /const\s+string\s+(\w+)\s*=\s*((?:\w+\s*\+\s*)?)"([^"]*)"\s*;/g;
  for (let m = decl.exec(text); m; m = decl.exec(text)) {
    const prefixName = (m[2] as string).replace(/[\s+]/g, '');
    const prefix = prefixName ? constants.get(prefixName) ?? '' : '';
    constants.set(m[1] as string, prefix + (m[3] as string));
  }
  return constants;
}

/** Constant name → value of `public const int X = n;` declarations. */
export function intConstants(source: string): Map<string, number> {
  const constants = new Map<string, number>();
  const text = stripComments(source);
  const decl = /const\s+int\s+(\w+)\s*=\s*(-?\d+)\s*;/g;
  for (let m = decl.exec(text); m; m = decl.exec(text)) constants.set(m[1] as string, Number(m[2]));
  return constants;
}
