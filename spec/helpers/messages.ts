// The messages of lib/, found in its sources rather than listed: every message that reaches an error (or a line
// of the CLI's stderr), through whatever helpers, constants and lookup tables it passes on the way.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Stands in a message for what only the running code knows (a `${value}`, a variable, a call). */
export const HOLE = '\u{E000}';

/** One message as the source writes it, with a {@link HOLE} for each part it computes. */
export interface FoundMessage {
  /** `lib/…/file.ts:line`. */
  where: string;
  text: string;
}

/** The message shown with `${…}` for its holes. */
export function shown(text: string): string {
  return text.replaceAll(HOLE, '${…}');
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Most alternatives kept for one message (its conditionals multiply them). */
const MAX_ALTERNATIVES = 64;

function unwrap(node: ts.Expression): ts.Expression {
  let inner = node;
  while (
    ts.isParenthesizedExpression(inner) ||
    ts.isAsExpression(inner) ||
    ts.isSatisfiesExpression(inner) ||
    ts.isNonNullExpression(inner)
  ) {
    inner = inner.expression;
  }
  return inner;
}

/**
 * The messages of the TypeScript files under `dir`. A message is the first argument of `new X(…)` for any class X
 * that extends `Error` (directly or through other classes), what a stderr `write` of the CLI prints (one line,
 * without its `authn …: ` prefix), an `error_description` member, and — found by following the code until nothing
 * new turns up — whatever is passed to a parameter that reaches one of those whole (`fail(message)`,
 * `invalid(message, code)`), a default value of such a parameter, or what is assigned to a property that does
 * (`this.description = description`).
 * Template literals, `+`, conditionals, `const`s, lookups in `const` object literals and calls to functions whose
 * returns can be read are followed; anything else is a {@link HOLE}.
 */
export function scanMessages(dir: string, root: string = dir): FoundMessage[] {
  const program = ts.createProgram(typeScriptFiles(dir), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    types: [],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const files = program.getSourceFiles().filter((file) => !file.isDeclarationFile && file.fileName.startsWith(dir));

  const declarationsOf = (node: ts.Node): readonly ts.Declaration[] => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.declarations ?? [];
  };
  const declarationOf = (node: ts.Node): ts.Declaration | undefined => declarationsOf(node)[0];
  /** The function (or the constructor of the class) that a callee or a `new` target names. */
  const functionOf = (node: ts.Node): ts.FunctionLikeDeclaration | undefined => {
    const declaration = declarationOf(node);
    if (declaration === undefined) return undefined;
    if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration;
    if (ts.isClassDeclaration(declaration)) return declaration.members.find(ts.isConstructorDeclaration);
    const initializer = ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
    if (initializer !== undefined && (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer))) {
      return initializer;
    }
    return undefined;
  };
  const extendsError = (node: ts.Expression, depth = 0): boolean => {
    const declaration = declarationOf(node);
    if (declaration === undefined || !ts.isClassDeclaration(declaration)) {
      return /^(?:[A-Z]\w*)?Error$/.test(node.getText()); // Error, TypeError… (no lib is loaded to resolve them)
    }
    const base = declaration.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]
      ?.expression;
    return base !== undefined && depth < 10 && extendsError(base, depth + 1);
  };

  /** The parameters (by index) and properties found to carry a message whole. */
  const carrierParameters = new Map<ts.SignatureDeclaration, Set<number>>();
  const carrierProperties = new Set<ts.Declaration>();
  const isStderrWrite = (node: ts.Node) =>
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'write' &&
    /(?:^|\.)stderr$/.test(node.expression.expression.getText());

  /** The expressions of `node` that are messages whole. */
  const messagesAt = (node: ts.Node): ts.Expression[] => {
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
      const args = node.arguments ?? [];
      const callee = node.expression;
      if (ts.isNewExpression(node) && args[0] !== undefined && extendsError(callee)) return [args[0]];
      if (isStderrWrite(node) && args[0] !== undefined) return [args[0]];
      const fn = functionOf(callee);
      const indexes = fn === undefined ? undefined : carrierParameters.get(fn);
      if (fn === undefined || indexes === undefined) return [];
      return [...indexes].flatMap((index) => args[index] ?? []);
    }
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'error_description') return [node.initializer];
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      declarationsOf(node.left.name).some((declaration) => carrierProperties.has(declaration))
    ) {
      return [node.right];
    }
    return [];
  };
  /** What a message may be whole: itself, or either branch of a conditional. */
  const wholes = (expression: ts.Expression): ts.Expression[] => {
    const inner = unwrap(expression);
    return ts.isConditionalExpression(inner) ? [...wholes(inner.whenTrue), ...wholes(inner.whenFalse)] : [inner];
  };
  const walkAll = (visit: (node: ts.Node) => void) => {
    const walk = (node: ts.Node) => {
      visit(node);
      ts.forEachChild(node, walk);
    };
    for (const file of files) walk(file);
  };
  for (let grew = true; grew;) {
    grew = false;
    walkAll((node) => {
      for (const expression of messagesAt(node).flatMap(wholes)) {
        if (ts.isPropertyAccessExpression(expression)) {
          for (const declaration of declarationsOf(expression.name)) {
            if (!carrierProperties.has(declaration)) {
              carrierProperties.add(declaration);
              grew = true;
            }
          }
        }
        const declaration = ts.isIdentifier(expression) ? declarationOf(expression) : undefined;
        if (declaration === undefined || !ts.isParameter(declaration) || !ts.isFunctionLike(declaration.parent)) {
          continue;
        }
        const fn = declaration.parent;
        const indexes = carrierParameters.get(fn) ?? new Set<number>();
        const index = fn.parameters.indexOf(declaration);
        if (!indexes.has(index)) {
          carrierParameters.set(fn, indexes.add(index));
          grew = true;
        }
      }
    });
  }

  const join2 = (left: string[], right: string[]) =>
    left.flatMap((a) => right.map((b) => a + b)).slice(0, MAX_ALTERNATIVES);
  const evaluate = (expression: ts.Expression, depth = 0): string[] => {
    const node = unwrap(expression);
    if (depth > 8) return [HOLE];
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
    if (ts.isConditionalExpression(node)) {
      return [...evaluate(node.whenTrue, depth), ...evaluate(node.whenFalse, depth)].slice(0, MAX_ALTERNATIVES);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return join2(evaluate(node.left, depth), evaluate(node.right, depth));
    }
    if (ts.isTemplateExpression(node)) {
      let texts = [node.head.text];
      for (const span of node.templateSpans) {
        texts = join2(join2(texts, evaluate(span.expression, depth + 1)), [span.literal.text]);
      }
      return texts;
    }
    if (ts.isIdentifier(node)) {
      const declaration = declarationOf(node);
      const constant =
        declaration !== undefined &&
        ts.isVariableDeclaration(declaration) &&
        (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
      return constant && declaration.initializer !== undefined ? evaluate(declaration.initializer, depth + 1) : [HOLE];
    }
    if (ts.isElementAccessExpression(node)) {
      const declaration = declarationOf(node.expression);
      const table =
        declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined
          ? unwrap(declaration.initializer)
          : undefined;
      if (table === undefined || !ts.isObjectLiteralExpression(table)) return [HOLE];
      return table.properties.flatMap((property) =>
        ts.isPropertyAssignment(property) ? evaluate(property.initializer, depth + 1) : [],
      );
    }
    if (ts.isCallExpression(node)) {
      const body = functionOf(node.expression)?.body;
      if (body === undefined) return [HOLE];
      if (!ts.isBlock(body)) return evaluate(body, depth + 1);
      const returned: ts.Expression[] = [];
      const walk = (child: ts.Node) => {
        if (ts.isReturnStatement(child) && child.expression !== undefined) returned.push(child.expression);
        else if (!ts.isFunctionLike(child)) ts.forEachChild(child, walk);
      };
      ts.forEachChild(body, walk);
      return returned.length === 0 ? [HOLE] : returned.flatMap((value) => evaluate(value, depth + 1));
    }
    return [HOLE];
  };

  /** The default values of the parameters that carry messages (`description = 'the token …'`). */
  const defaults = [...carrierParameters].flatMap(([fn, indexes]) =>
    [...indexes].flatMap((index) => fn.parameters[index]?.initializer ?? []),
  );
  const found = new Map<string, FoundMessage>();
  walkAll((node) => {
    for (const expression of [...messagesAt(node), ...defaults.filter((value) => value.parent === node)]) {
      const file = node.getSourceFile();
      const line = file.getLineAndCharacterOfPosition(expression.getStart()).line + 1;
      const where = `${relative(root, file.fileName)}:${line}`;
      const stderr = isStderrWrite(node);
      for (let text of evaluate(expression)) {
        if (stderr) {
          // A line of the CLI: its prefix (`authn verify: `) and line break are not the message.
          if (!/\n$/.test(text) || text.indexOf('\n') !== text.length - 1) continue;
          text = text.slice(0, -1).replace(/^authn(?: [\w-]+| \uE000)?: /u, '');
        }
        if (text.replaceAll(HOLE, '').trim() !== '') found.set(`${where}\0${text}`, { where, text });
      }
    }
  });
  return [...found.values()];
}

/**
 * The texts of auth0-python's token verifier that authn-client keeps word for word, as docs/token-verification.md
 * lists them (the `text` block under its heading "Messages kept from auth0-python"), as patterns: `"…"` and `…`
 * stand for any value, "ID token" for the kind of token of each verifier ("Access token is required but missing."),
 * "RSA Public Key" for the type of the key.
 */
export function fixedTexts(markdown: string): string[] {
  const section = markdown.split(/^#+ Messages kept from auth0-python$/m)[1];
  const block = section === undefined ? undefined : /```text\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/token-verification.md lists no messages kept from auth0-python');
  return block.split('\n').filter((line) => line !== '');
}

function fixedPattern(text: string): RegExp {
  const escaped = text
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/"…"|…/g, '.+')
    .replace(/ID token/g, `(?:ID token|[Aa]ccess token|[Ll]ogout token|[Tt]oken|${HOLE})`)
    .replace(/RSA Public Key/g, `(?:RSA |EC |OKP |${HOLE})?Public Key`);
  return new RegExp(`^${escaped}$`, 'u');
}

/** Whether `text` is one of the fixed texts (or one of their variants for another token kind or key type). */
export function isFixedText(text: string, fixed: readonly string[]): boolean {
  return fixed.some((candidate) => fixedPattern(candidate).test(text));
}

/**
 * A first word that is a name and keeps its case: an acronym or identifier with a second capital, a digit, `_` or
 * `*` (`ID`, `JWKS`, `GET`, `OIDC_TYPE`, `RedisTokenStore`, `OpenID`, `Auth0`, `HS*`), or a claim or header named
 * as the token verifier names them, `Issuer (iss) claim`.
 */
const NAME_FIRST = /^(?:[A-Z]\S*[A-Z0-9_*]\S*|[A-Z][a-z]*(?: [A-Za-z]+)* \((?:[a-z_]+|\uE000)\))/u;

/**
 * What is wrong with a message, by the style of README.md ("Error messages"): nothing when the list is empty.
 * A text of auth0-python's that is kept word for word is exempt.
 */
export function styleProblems(text: string, fixed: readonly string[]): string[] {
  if (isFixedText(text, fixed)) return [];
  const problems: string[] = [];
  const words = text.replaceAll(HOLE, 'X');
  if (/^[A-Z]/.test(text) && !NAME_FIRST.test(text)) problems.push('starts with a capital, not with a name');
  if (/\.$/.test(text)) problems.push('ends with a period');
  if (/^\s|\s$|\s{2}|\n/.test(text)) problems.push('has stray white space or a line break');
  if (/(?:^|[\s([,])'[^'\s][^']*'(?=$|[\s)\],.;:])/.test(words)) problems.push('quotes a value with \'…\', not "…"');
  if (text.includes('`')) problems.push('quotes with backticks');
  if (/\bbut (?:found|was)\b/.test(text)) problems.push('writes "but found" for ", found"');
  if (/\bgot\b/.test(text)) problems.push('writes "got" for "found"');
  if (/\bexpected\b/.test(text) && /\bfound\b/.test(text) && !/\bexpected .+, found /.test(text)) {
    problems.push('writes an expected/found pair otherwise than "expected …, found …"');
  }
  return problems;
}
