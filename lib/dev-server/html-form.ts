// Reads the forms of an authorization server's pages, enough for the headless driver: a form's action and method
// and its <input> elements (the pages of node-oidc-provider and of the dev server; not a general HTML parser).

/** An `<input>` of a form. */
export interface HtmlInput {
  /** `type`, lower-cased; `text` when absent. */
  type: string;
  name: string;
  value: string;
}

/** A `<form>` of a page. */
export interface HtmlForm {
  /** The `action` attribute as written (relative to the page), or `undefined`: the page's own URL. */
  action: string | undefined;
  /** `method`, lower-cased; `get` when absent. */
  method: string;
  inputs: HtmlInput[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the character references of an attribute value. */
function decode(value: string): string {
  return value.replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (reference: string, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? reference;
  });
}

/** The attributes of a start tag's text (what follows the tag name). */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const [, name = '', doubleQuoted, singleQuoted, bare] = match;
    attributes.set(name.toLowerCase(), decode(doubleQuoted ?? singleQuoted ?? bare ?? ''));
  }
  return attributes;
}

/** The forms of `html`, in document order, each with the inputs between its tags. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const [, tag = '', body = ''] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const attributes = attributesOf(tag);
    const inputs = [...body.matchAll(/<input\b([^>]*)>/gi)].map(([, input = '']) => {
      const fields = attributesOf(input);
      return {
        type: (fields.get('type') ?? 'text').toLowerCase(),
        name: fields.get('name') ?? '',
        value: fields.get('value') ?? '',
      };
    });
    forms.push({ action: attributes.get('action'), method: (attributes.get('method') ?? 'get').toLowerCase(), inputs });
  }
  return forms;
}
