// Breaks each guard of the security catalogue in turn and checks that the catalogue's own tests for its rows go
// red (docs/security.md, "Every guard breaks its test"). A guard whose rows stay green with it removed is only
// backed by another guard, or not tested at all: that is a gap in the catalogue, not in the code.
//
//   npx tsx scripts/guard-mutations.ts            # every mutation (about 10 minutes)
//   npx tsx scripts/guard-mutations.ts N14 N40    # the mutations of these rows only
//
// Each mutation replaces one exact piece of a source file (it must occur exactly once), runs the security specs
// that name its rows, filtered to their tests (`--grep "N14:|N15:"`), and restores the file, whatever happens.
// The tests of every row are first run unmutated, so a mutation only counts as caught when its rows passed
// before. A few guards are known to be backed by a later check that refuses the very same inputs (`backedBy`):
// their mutations are expected to survive. It exits 1 when any other mutation survives or an anchor is no longer
// found (the code moved: update the list). Not part of `npm test`: about 150 mocha runs take 10 to 20 minutes.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** One broken guard: `find` (exactly once in `file`) becomes `replace`; `rows` must catch it. */
interface Mutation {
  readonly rows: readonly string[];
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  /** What the mutation removes, for the report. */
  readonly guard: string;
  /**
   * Why no input can tell the guard's absence, when none can: the later check that refuses the same inputs. Such
   * a mutation is expected to survive (the guard stays as defence in depth and as the earlier, cheaper refusal).
   */
  readonly backedBy?: string;
}

const TV = 'lib/token-verifier/';

function m(rows: string, file: string, guard: string, find: string, replace: string, backedBy?: string): Mutation {
  return { rows: rows.split(' '), file: file.includes('/') ? file : TV + file, find, replace, guard, backedBy };
}

const MUTATIONS: readonly Mutation[] = [
  // A. Structure, size and encoding
  m(
    'N1',
    'token-verifier.ts',
    'ID token present',
    "token === '') {\n        throw invalid('ID token is required",
    "false) {\n        throw invalid('ID token is required",
  ),
  m(
    'N1',
    'access-token-verifier.ts',
    'access token present',
    "token === '') {\n      throw invalid('Access token is required",
    "false) {\n      throw invalid('Access token is required",
  ),
  m(
    'N2 N3',
    'jwt.ts',
    'parseJwt: header not empty',
    "  const second = token.indexOf('.', first + 1);\n  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) malformed();\n  checkAlphabet(token);\n  const cache",
    "  const second = token.indexOf('.', first + 1);\n  if (first < 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) malformed();\n  checkAlphabet(token);\n  const cache",
    'jsonObject: an empty segment is not JSON',
  ),
  m(
    'N2 N3',
    'jwt.ts',
    'parseJwt: payload not empty, three segments',
    "  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) malformed();\n  checkAlphabet(token);\n  const cache",
    "  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) !== -1) malformed();\n  checkAlphabet(token);\n  const cache",
    'jsonObject: an empty segment is not JSON',
  ),
  m(
    'N2',
    'jwt.ts',
    'parseJwt: no fourth segment',
    "  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) malformed();\n  checkAlphabet(token);\n  const cache",
    '  if (first <= 0 || second <= first + 1) malformed();\n  checkAlphabet(token);\n  const cache',
    "checkCanonical: a signature segment holding '.' (the fourth segment) is not base64url",
  ),
  m(
    'N5',
    'jwt.ts',
    'checkAlphabet (+, /, non-ASCII)',
    "token.length || token.includes('+') || token.includes('/')) malformed();",
    'token.length && false) malformed();',
  ),
  m(
    'N5',
    'jwt.ts',
    'checkCanonical: nothing skipped by the decoder',
    'if (written !== (length * 3) >>> 2 || rest === 1) malformed();',
    'if (rest === 1) malformed();',
  ),
  m(
    'N5',
    'jwt.ts',
    'checkCanonical: unused low bits are zero',
    'if (rest !== 0 && (BASE64URL_VALUES',
    'if (rest === 5 && (BASE64URL_VALUES',
  ),
  m(
    'N6',
    'jwt.ts',
    'jsonObject: an object',
    "if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed();",
    'if (value === undefined) malformed();',
  ),
  m(
    'N7',
    'jwt.ts',
    'segmentText: valid UTF-8',
    "if (text.includes('\\uFFFD') && !isUtf8(buffer.subarray(0, written))) malformed();",
    '',
  ),
  m(
    'N8',
    'jwt.ts',
    'parseJwt: the length cap first',
    'if (token.length > options.maxLength) {',
    'if (token.length > options.maxLength * 1000) {',
  ),
  m(
    'N9',
    'jwt.ts',
    'checkHeader: no duplicate member',
    '  if (topLevelMembers(text) !== Object.keys(fields).length) malformed();\n  const { alg }',
    '  const { alg }',
  ),
  m('N10', 'jwt.ts', 'jsonObject: no __proto__ member', "if (Object.hasOwn(value, '__proto__')) malformed();", ''),
  // B. Header, algorithm, kid and keys
  m(
    'N14',
    'jwt.ts',
    'checkHeader: alg in the allowlist',
    "if (typeof alg !== 'string' || !options.algorithms.includes(alg as JwsAlgorithm)) {",
    'if (alg === 42) {',
  ),
  m(
    'N14',
    'signature-verifier.ts',
    'checkAlgorithm',
    'if (!this.algorithms.includes(alg)) {',
    'if (alg === undefined && false) {',
  ),
  m(
    'N11 N16',
    'algorithms.ts',
    'algorithmList: the kind of verifier',
    "if ((ALGORITHMS[alg].family === 'hmac') !== symmetric) {",
    'if (false) {',
  ),
  m('N16', 'signature-verifier.ts', 'isKeyMaterial: PEM armor', "if (text.includes('-----BEGIN ')) return true;", ''),
  m(
    'N16',
    'signature-verifier.ts',
    'isKeyMaterial: DER public keys',
    "for (const type of ['spki', 'pkcs1'] as const) {",
    'for (const type of [] as const) {',
  ),
  m(
    'N16',
    'signature-verifier.ts',
    'isKeyMaterial: JWK JSON',
    "return typeof value === 'object' && value !== null && Object.hasOwn(value, 'kty');",
    'return false && value;',
  ),
  m(
    'N16 N33',
    'jwk.ts',
    'importJwk: no oct key',
    "if (kty === 'oct') return unusable(kid, 'symmetric (oct) keys are never used to verify tokens');",
    '',
  ),
  m('N18', 'jwk.ts', "JwksKey: the JWK's own alg", 'if (this.alg !== undefined && this.alg !== alg) return null;', ''),
  m('N18 N30', 'jwk.ts', 'JwksKey: RSA algs need an RSA key', "if (this.kty !== 'RSA') return null;", ''),
  m(
    'N18',
    'jwk.ts',
    'JwksKey: ES algs need their curve',
    "if (this.kty !== 'EC' || this.curve !== spec.curve) return null;",
    "if (this.kty !== 'EC') return null;",
  ),
  m(
    'N18',
    'jwk.ts',
    'importJwk: a JWK alg that suits the key',
    'if (alg !== undefined && !result.suits(alg as JwsAlgorithm)) {',
    'if (alg === 42) {',
  ),
  m('N19 N20', 'jwt.ts', 'checkHeader: no crit', "if (Object.hasOwn(fields, 'crit')) {", 'if (false) {'),
  m(
    'N22',
    'jwt.ts',
    'checkHeader: typ policy',
    "typ === undefined ? !options.untyped : typeof typ !== 'string' || (types !== null && !types.has(mediaType(typ)))",
    'typ === 42',
  ),
  m(
    'N23',
    'jwt.ts',
    'checkHeader: no cty',
    "const UNSUPPORTED_HEADERS = ['b64', 'zip', 'cty'] as const;",
    "const UNSUPPORTED_HEADERS = ['b64', 'zip'] as const;",
  ),
  m(
    'N24',
    'jwt.ts',
    'checkHeader: no zip',
    "const UNSUPPORTED_HEADERS = ['b64', 'zip', 'cty'] as const;",
    "const UNSUPPORTED_HEADERS = ['b64', 'cty'] as const;",
  ),
  m(
    'N25',
    'jwt.ts',
    'checkHeader: kid a non-empty string',
    "if (kid !== undefined && (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH)) {",
    "if (kid !== undefined && typeof kid === 'string' && kid.length > MAX_KID_LENGTH) {",
  ),
  m('N26', 'jwt.ts', 'checkHeader: kid length cap', "kid === '' || kid.length > MAX_KID_LENGTH)) {", "kid === '')) {"),
  m(
    'N26',
    'failure.ts',
    'quote: JSON-escaped',
    'return JSON.stringify(text.length > MAX_QUOTED',
    'return String(text.length > MAX_QUOTED',
  ),
  m(
    'N27 N28',
    'jwks-fetcher.ts',
    'unknown kid: one refetch per cooldown',
    'now >= this.#lastAttemptAt + this.cooldown * 1000 && (failure',
    'true && (failure',
  ),
  m(
    'N27',
    'jwks-fetcher.ts',
    'unknown kid: not found after the refetch',
    '        if (keys === undefined) throw notFound(kid, alg);\n        return keys;',
    '        return keys ?? [];',
  ),
  m(
    'N29',
    'jwks-fetcher.ts',
    'select: at most five candidates',
    'if (candidates.length > MAX_CANDIDATES) {',
    'if (candidates.length > 50) {',
  ),
  m(
    'N29 N31 P20',
    'signature-verifier.ts',
    'check: every candidate tried, none verifying rejects',
    'for (let i = 0; i < keys.length; i++) {',
    'for (let i = 0; i < 1; i++) {',
  ),
  m(
    'N30',
    'jwks-fetcher.ts',
    'select: no suitable key',
    '  if (candidates.length === 0) {\n    const subject',
    '  if (candidates.length === -1) {\n    const subject',
  ),
  m('N31', 'jwks-fetcher.ts', '#build: every key under a repeated kid', '        else list.push(key);', ''),
  m(
    'N32',
    'jwk.ts',
    'importJwk: use sig',
    "if (use !== undefined && use !== 'sig') return unusable",
    'if (use === 42) return unusable',
  ),
  m(
    'N32',
    'jwk.ts',
    'importJwk: key_ops with verify',
    "if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) {",
    'if (ops === 42) {',
  ),
  m(
    'N33',
    'jwk.ts',
    'importJwk: no private members',
    'if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) {',
    'if (false) {',
  ),
  m(
    'N34',
    'jwk.ts',
    'importJwk: RSA of 2048 bits',
    'if (bits < MIN_RSA_BITS) return unusable',
    'if (bits < 512) return unusable',
  ),
  m('N34', 'jwk.ts', 'importJwk: RSA exponent odd and at least 3', 'if (e < 3n || e % 2n === 0n)', 'if (e === 42n)'),
  m(
    'N35',
    'jwk.ts',
    'importJwk: supported curves',
    'if (curves !== undefined && (curve === undefined || !curves.includes(curve))) {',
    'if (curves !== undefined && curve === undefined) {',
  ),
  // C. Signature
  m(
    'N36 N37 N38 N39',
    'rsa-pkcs1.ts',
    'RS*: the hash compared',
    "encoded.compare(hash(digest, latin1Bytes(data), 'buffer'), 0, hashLength, prefix.length, modulusBytes) === 0",
    'true',
  ),
  m(
    'N36',
    'rsa-pkcs1.ts',
    'RS*: the padding compared',
    'encoded.compare(prefix, 0, prefix.length, 0, prefix.length) === 0 &&',
    '',
  ),
  m(
    'N4 N42',
    'rsa-pkcs1.ts',
    'RS*: a signature as long as the modulus',
    '    if (signature.length !== modulusBytes) return false;\n',
    '',
  ),
  m(
    'N41',
    'jwk.ts',
    'ES*, PS*, EdDSA: a signature of exact length (checked inline)',
    'inline: (data, signature) => signature.length === length && safely(digest, data, key, signature),',
    'inline: (data, signature) => safely(digest, data, key, signature),',
    'node:crypto: an ieee-p1363 signature of the wrong length does not verify (Node 20.19+)',
  ),
  m(
    'N40',
    'jwk.ts',
    'ES*: (a check that refuses every signature, inline and on the pool)',
    'return checkOf(digest, options, spec.signatureLength as number, offloadThreshold(undefined));',
    'return checkOf(digest, options, -(spec.signatureLength as number), offloadThreshold(undefined));',
  ),
  m(
    'N42',
    'jwk.ts',
    'PS*: salt length equals the hash length',
    'saltLength: spec.hashLength };',
    'saltLength: constants.RSA_PSS_SALTLEN_AUTO };',
  ),
  m(
    'N42',
    'signature-verifier.ts',
    'HS*: the MAC compared',
    'if (!timingSafeEqual(mac, jwt.signature)) invalidSignature();',
    '',
  ),
  m(
    'N42',
    'signature-verifier.ts',
    'HS*: the MAC length',
    'if (jwt.signature.length !== spec.signatureLength) invalidSignature();',
    'if (jwt.signature.length < 4) invalidSignature();',
  ),
  m('N43', 'signature-verifier.ts', 'HS*: the secret as long as the hash', 'if (size < needed) {', 'if (size < 1) {'),
  // D. Issuer and key binding
  m(
    'N46',
    'claims.ts',
    'checkIssuer: a string',
    "if (typeof iss !== 'string') {\n    throw invalid(`Issuer",
    'if (iss === undefined) {\n    throw invalid(`Issuer',
  ),
  m(
    'N44 N45',
    'claims.ts',
    'checkIssuer: exact match',
    'if (!issuers.includes(iss)) {',
    'if (!issuers.some((i) => i.toLowerCase().replace(/\\/$/, "") === String(iss).toLowerCase().trim().replace(/\\/$/, ""))) {',
  ),
  m(
    'N47',
    'access-token-verifier.ts',
    'the verifier of the token issuer',
    'const verifier = trusted.verifier;',
    'const verifier = [...this.#trusted.values()][0]?.verifier;',
  ),
  m(
    'N48',
    'lib/oidc/discovery.ts',
    'discover: the issuer of the document',
    '} else if (metadata.issuer !== issuer) {',
    '} else if (metadata.issuer === 42) {',
  ),
  m(
    'N49',
    'lib/http/url.ts',
    'checkRemoteUrl: http only on loopback',
    "if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {",
    'if (false) {',
  ),
  // E. Audience and azp
  m(
    'N54',
    'claims.ts',
    'checkAudience: strings only',
    "if (!aud.every((item) => typeof item === 'string')) audienceMissing(kind);",
    '',
  ),
  m(
    'N51 N52 N53',
    'claims.ts',
    'checkAudience: an array holding an audience',
    'if (!aud.some((item: string) => audiences.includes(item))) {',
    'if (aud.length === 0) {',
  ),
  m(
    'N51 N53',
    'claims.ts',
    'checkAudience: the string is an audience',
    '    if (!audiences.includes(aud)) {',
    '    if (!audiences.some((a) => aud.toLowerCase().trim().startsWith(a.toLowerCase()))) {',
  ),
  m('N50 N54', 'claims.ts', 'checkAudience: aud present', '  } else {\n    audienceMissing(kind);\n  }', '  }'),
  m(
    'N55',
    'token-verifier.ts',
    'azp required with several audiences',
    'if (azp === undefined && !several) return;',
    'if (azp === undefined) return;',
  ),
  m('N56', 'token-verifier.ts', 'azp equal to the client', 'if (azp !== this.audience) {', 'if (azp === 42) {'),
  m(
    'N57',
    'claims.ts',
    'checkTrustedAudiences',
    "if (typeof item !== 'string' || !trusted.includes(item)) {",
    "if (typeof item !== 'string') {",
  ),
  // F. Subject and token kinds
  m(
    'N59',
    'token-verifier.ts',
    'ID token: sub a non-empty string',
    "if (typeof payload.sub !== 'string' || payload.sub === '') {",
    'if (payload.sub === undefined) {',
  ),
  m(
    'N59',
    'access-token-verifier.ts',
    'access token: sub a string when present',
    "} else if (payload.sub !== undefined && typeof payload.sub !== 'string') {",
    '} else if (false) {',
  ),
  m(
    'N60',
    'refreshed-id-token.ts',
    'refreshed ID token: kept claims',
    'if (!same(payload[claim], original[claim])) throw',
    'if (claim === 42) throw',
  ),
  m(
    'N60',
    'refreshed-id-token.ts',
    'refreshed ID token: the nonce',
    'if (payload.nonce !== undefined && payload.nonce !== original.nonce) {',
    'if (false) {',
  ),
  m(
    'N62',
    'token-verifier.ts',
    'ID token: no events',
    "    if (payload.events !== undefined) {\n      throw invalid(\n        'Events (events) claim must not be present in an ID token",
    "    if (false) {\n      throw invalid(\n        'Events (events) claim must not be present in an ID token",
  ),
  m(
    'N62',
    'access-token-verifier.ts',
    'access token: no events',
    "    if (payload.events !== undefined) {\n      throw invalid(\n        'Events (events) claim must not be present in an access token",
    "    if (false) {\n      throw invalid(\n        'Events (events) claim must not be present in an access token",
  ),
  // G. Time
  m(
    'N63 N64 N65',
    'claims.ts',
    'checkExpiry: a NumericDate',
    '  const { exp } = payload;\n  if (!isNumericDate(exp)) {',
    '  const { exp } = payload;\n  if (exp === undefined) {',
  ),
  m(
    'N65',
    'claims.ts',
    'isNumericDate: finite',
    "return typeof value === 'number' && Number.isFinite(value);",
    "return typeof value === 'number';",
  ),
  m(
    'N66 N67',
    'claims.ts',
    'checkExpiry: now < exp + leeway',
    'if (now >= exp + leeway) {',
    'if (now > exp + leeway) {',
  ),
  m(
    'N68 N69',
    'claims.ts',
    'checkIssuedAt: iat a NumericDate',
    '    if (!isNumericDate(iat)) {\n      throw invalid(`Issued At (iat) claim must be a number present in the ${kind}`',
    '    if (iat === 42) {\n      throw invalid(`Issued At (iat) claim must be a number present in the ${kind}`',
  ),
  m(
    'N70',
    'claims.ts',
    'checkIssuedAt: iat not in the future',
    'if (iat > now + leeway) {',
    'if (iat > now + leeway + 1) {',
  ),
  m(
    'N72',
    'claims.ts',
    'checkIssuedAt: nbf a NumericDate',
    'if (!isNumericDate(nbf)) {\n      throw invalid(`Not Before',
    'if (nbf === 42) {\n      throw invalid(`Not Before',
  ),
  m(
    'N72',
    'claims.ts',
    'checkIssuedAt: nbf not in the future',
    'if (nbf > now + leeway) {',
    'if (nbf > now + leeway + 1) {',
  ),
  m('N73', 'claims.ts', 'checkIssuedAt: exp not before iat', 'if (isNumericDate(iat) && exp < iat) {', 'if (false) {'),
  m('N71', 'claims.ts', 'checkTokenAge', 'if (age > maxTokenAge + leeway) {', 'if (age > maxTokenAge + leeway + 1) {'),
  // H. Nonce, auth_time, hashes, organization
  m(
    'N76',
    'token-verifier.ts',
    'nonce: none unexpected',
    "      if (claim !== undefined) {\n        throw invalid(\n          'Nonce (nonce) claim must not be present",
    "      if (false) {\n        throw invalid(\n          'Nonce (nonce) claim must not be present",
  ),
  m(
    'N74 N77',
    'token-verifier.ts',
    'nonce: a string present',
    "if (typeof claim !== 'string') {\n      throw invalid('Nonce (nonce)",
    "if (claim === 42) {\n      throw invalid('Nonce (nonce)",
  ),
  m('N75', 'token-verifier.ts', 'nonce: equal', 'if (claim !== expected) {', 'if (false) {'),
  m(
    'N79 N81',
    'token-verifier.ts',
    'auth_time a NumericDate',
    'if (!isNumericDate(authTime)) {',
    'if (authTime === undefined) {',
  ),
  m('N80', 'token-verifier.ts', 'auth_time recent enough', 'if (now > latest) {', 'if (now > latest + 1) {'),
  m(
    'N82 N83',
    'token-verifier.ts',
    'at_hash equal',
    'if (payload.at_hash !== halfHash(options.accessToken, ALGORITHMS[jwt.header.alg].claimHash)) {',
    'if (false) {',
  ),
  m(
    'N83',
    'token-verifier.ts',
    "at_hash under the alg's hash",
    'halfHash(options.accessToken, ALGORITHMS[jwt.header.alg].claimHash)',
    "halfHash(options.accessToken, 'sha256')",
  ),
  m(
    'N82',
    'token-verifier.ts',
    'halfHash over UTF-8',
    "const hash = createHash(digest).update(value, 'utf8').digest();",
    "const hash = createHash(digest).update(value, 'latin1').digest();",
  ),
  m(
    'N85',
    'token-verifier.ts',
    'at_hash required (implicit flow)',
    'if (options.requireAtHash === true && payload.at_hash === undefined) {',
    'if (false) {',
  ),
  m('N84', 'token-verifier.ts', 'c_hash present', "if (typeof payload.c_hash !== 'string') {", 'if (false) {'),
  m(
    'N84',
    'token-verifier.ts',
    'c_hash equal',
    'if (payload.c_hash !== halfHash(options.code, ALGORITHMS[jwt.header.alg].claimHash)) {',
    'if (false) {',
  ),
  m('N86', 'token-verifier.ts', 'org_id equal', 'if (claim !== organization) {', 'if (false) {'),
  m(
    'N86',
    'token-verifier.ts',
    'org_id a string',
    "if (typeof claim !== 'string') {\n        throw invalid(\n          'Organization (org_id)",
    "if (claim === undefined) {\n        throw invalid(\n          'Organization (org_id)",
  ),
  m(
    'N86',
    'token-verifier.ts',
    'org_name equal',
    'if (claim.toLowerCase() !== organization.toLowerCase()) {',
    'if (false) {',
  ),
  // I. Configuration
  m(
    'N87',
    'claims.ts',
    'checkText: non-empty',
    "if (typeof value !== 'string' || value.trim() === '') {",
    "if (typeof value !== 'string') {",
  ),
  m(
    'N88',
    'claims.ts',
    'checkLeeway',
    "if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_LEEWAY) {",
    "if (typeof value !== 'number') {",
  ),
  m(
    'N88',
    'claims.ts',
    'checkClock: each reading',
    "if (typeof now !== 'number' || !Number.isFinite(now)) {",
    'if (false) {',
  ),
  m(
    'N91',
    'jwks-fetcher.ts',
    'JWKS: a 2xx answer',
    'if (response.status < 200 || response.status > 299) {',
    'if (response.status < 200) {',
  ),
  m(
    'N91',
    'jwks-fetcher.ts',
    'JWKS: a key set',
    "if (typeof body !== 'object' || body === null || !Array.isArray(body.keys)) {",
    "if (typeof body !== 'object' || body === null) {",
  ),
  m(
    'N91',
    'lib/http/http-client.ts',
    'redirects within the origin',
    'if (String(redirect.protocol) !== from.protocol || String(redirect.host) !== from.host) {',
    'if (false) {',
  ),
];

const SPECS = 'spec/security';

/** Runs the catalogue tests of `rows` (in the spec files that name them); tells whether all passed, how many ran. */
function run(rows: readonly string[]): { passed: boolean; count: number; output: string } {
  const grep = rows.map((row) => `${row}:`).join('|');
  const files = readdirSync(SPECS)
    .filter((name) => name.endsWith('.spec.ts'))
    .map((name) => `${SPECS}/${name}`)
    .filter((file) => rows.some((row) => readFileSync(file, 'utf8').includes(`${row}:`)));
  const result = spawnSync(
    process.execPath,
    ['node_modules/mocha/bin/mocha.js', ...files, '--grep', grep, '--bail', '--reporter', 'dot'],
    { encoding: 'utf8', env: { ...process.env, NODE_V8_COVERAGE: '' } },
  );
  const output = `${result.stdout}${result.stderr}`;
  const count = Number(/(\d+) passing/.exec(output)?.[1] ?? 0);
  return { passed: result.status === 0, count, output };
}

const wanted = process.argv.slice(2);
const selected = MUTATIONS.filter(
  (mutation) => wanted.length === 0 || mutation.rows.some((row) => wanted.includes(row)),
);
const failures: string[] = [];
let caughtCount = 0;
const baselines = new Map<string, number>();
for (const mutation of selected) {
  const key = mutation.rows.join(' ');
  if (!baselines.has(key)) {
    const baseline = run(mutation.rows);
    if (!baseline.passed || baseline.count === 0) {
      failures.push(`${key}: the unmutated tests do not pass (${baseline.count} ran)`);
      console.log(baseline.output);
    }
    baselines.set(key, baseline.count);
  }
  const original = readFileSync(mutation.file, 'utf8');
  const occurrences = original.split(mutation.find).length - 1;
  if (occurrences !== 1) {
    failures.push(`${mutation.guard}: found ${occurrences} times in ${mutation.file}`);
    console.log(`ANCHOR   ${mutation.guard} (${mutation.file})`);
    continue;
  }
  let caught: boolean;
  try {
    writeFileSync(mutation.file, original.replace(mutation.find, mutation.replace));
    caught = !run(mutation.rows).passed;
  } finally {
    writeFileSync(mutation.file, original);
  }
  const verdict = caught ? 'caught  ' : mutation.backedBy === undefined ? 'SURVIVED' : 'backed  ';
  console.log(`${verdict} ${key.padEnd(22)} ${mutation.guard}${caught ? '' : ` (${mutation.backedBy ?? 'no test'})`}`);
  if (caught) caughtCount++;
  else if (mutation.backedBy === undefined)
    failures.push(`${mutation.guard}: the tests of ${key} stay green without it`);
}
const backed = selected.filter((mutation) => mutation.backedBy !== undefined).length;
console.log(
  `\n${selected.length} guards broken: ${caughtCount} caught by their rows' tests, ${selected.length - caughtCount} not` +
    ` (${backed} known to be backed by a later check).`,
);
for (const failure of failures) console.log(`- ${failure}`);
process.exitCode = failures.length === 0 ? 0 : 1;
