/**
 * Value detectors: secrets recognised by their shape, whatever key or text carries them. One
 * catalog for both layers: the text scanner compiles these sources, and
 * scripts/gen-collector-scrub.mjs turns the same sources into the collector's RE2 rules, so every
 * source here is written in the common subset of JavaScript and RE2 regular expressions (no
 * lookaround, no backreferences, no flags inside the pattern).
 *
 * Provider credentials come from gitleaks' public rule set (config/gitleaks.toml, MIT, v8.x):
 * the rules whose pattern opens with a fixed provider prefix, with body lengths relaxed to a
 * minimum so that shortened or test tokens of the same family are caught too. The rule id of each
 * entry is gitleaks' own.
 */

export interface ValueDetector {
  /** gitleaks rule id (or ours, for the structural detectors). */
  readonly id: string;
  /** The fixed opening every match starts with (a regex source without metacharacters other than
   *  escapes and classes): gates the scan, so the fast path stays one regex call. */
  readonly prefix: string;
  /** The whole match, starting with the prefix. */
  readonly source: string;
}

export const PROVIDER_DETECTORS: readonly ValueDetector[] = Object.freeze([
  { id: 'github-pat/oauth/app/refresh', prefix: 'gh[pousr]_', source: 'gh[pousr]_[0-9A-Za-z]{20,255}' },
  { id: 'github-fine-grained-pat', prefix: 'github_pat_', source: 'github_pat_[0-9A-Za-z_]{20,255}' },
  { id: 'gitlab-pat/deploy/feed/runner/oauth-app', prefix: 'gl(?:pat|dt|ft|rt|soat|oas|cbt|ptt|imt|ffct|agent)-', source: 'gl(?:pat|dt|ft|rt|soat|oas|cbt|ptt|imt|ffct|agent)-[0-9A-Za-z_.-]{20,300}' },
  { id: 'slack-bot/user/app/legacy/client-token', prefix: 'xox[abcdposer]-', source: 'xox[abcdposer]-[0-9A-Za-z%-]{10,255}' },
  { id: 'slack-app-token', prefix: 'xapp-', source: 'xapp-[0-9]-[0-9A-Za-z-]{10,255}' },
  { id: 'slack-webhook-url', prefix: 'hooks\\.slack\\.com/', source: 'hooks\\.slack\\.com/(?:services|workflows|triggers)/[0-9A-Za-z+/]{20,}' },
  { id: 'stripe-access-token', prefix: '[rs]k_(?:test|live|prod)_', source: '[rs]k_(?:test|live|prod)_[0-9A-Za-z]{10,255}' },
  { id: 'stripe-webhook-secret', prefix: 'whsec_', source: 'whsec_[0-9A-Za-z]{20,255}' },
  { id: 'openai/anthropic-api-key', prefix: 'sk-', source: 'sk-[0-9A-Za-z_-]{32,255}' },
  { id: 'aws-access-token', prefix: '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)', source: '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}' },
  { id: 'gcp-api-key', prefix: 'AIza', source: 'AIza[0-9A-Za-z_-]{35}' },
  { id: 'google-oauth-access-token', prefix: 'ya29\\.', source: 'ya29\\.[0-9A-Za-z_-]{20,}' },
  { id: 'google-oauth-refresh-token', prefix: '1//0', source: '1//0[0-9A-Za-z_-]{20,}' },
  { id: 'npm-access-token', prefix: 'npm_', source: 'npm_[0-9A-Za-z]{36}' },
  { id: 'pypi-upload-token', prefix: 'pypi-AgEIcHlwaS5vcmc', source: 'pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{20,1000}' },
  { id: 'sendgrid-api-token', prefix: 'SG\\.', source: 'SG\\.[0-9A-Za-z_-]{16,}\\.[0-9A-Za-z_-]{16,}' },
  { id: 'shopify-access-token', prefix: 'shp(?:at|ca|pa|ss)_', source: 'shp(?:at|ca|pa|ss)_[0-9A-Fa-f]{32}' },
  { id: 'digitalocean-pat/access/refresh', prefix: 'do[opr]_v1_', source: 'do[opr]_v1_[0-9a-f]{64}' },
  { id: 'huggingface-access-token', prefix: 'hf_', source: 'hf_[A-Za-z]{34}' },
  { id: 'twilio-api-key', prefix: 'SK', source: 'SK[0-9a-f]{32}' },
  { id: 'databricks-api-token', prefix: 'dapi', source: 'dapi[0-9a-f]{32}' },
  { id: 'square-access-token', prefix: 'sq0(?:atp|csp)-', source: 'sq0(?:atp|csp)-[0-9A-Za-z_-]{22,60}' },
  { id: 'linear-api-key', prefix: 'lin_api_', source: 'lin_api_[0-9A-Za-z]{40}' },
  { id: 'doppler-api-token', prefix: 'dp\\.pt\\.', source: 'dp\\.pt\\.[0-9A-Za-z]{40,}' },
  { id: 'vault-service/batch-token', prefix: 'hv[sb]\\.', source: 'hv[sb]\\.[0-9A-Za-z_-]{24,300}' },
  { id: 'planetscale-api/oauth/password', prefix: 'pscale_(?:tkn|oauth|pw)_', source: 'pscale_(?:tkn|oauth|pw)_[0-9A-Za-z_=.-]{32,64}' },
  { id: 'postman-api-token', prefix: 'PMAK-', source: 'PMAK-[0-9a-f]{24}-[0-9a-f]{34}' },
  { id: 'grafana-cloud-api-token', prefix: 'glc_', source: 'glc_[0-9A-Za-z+/]{32,400}={0,3}' },
  { id: 'grafana-service-account-token', prefix: 'glsa_', source: 'glsa_[0-9A-Za-z]{32}_[0-9A-Fa-f]{8}' },
  { id: 'sentry-org/user-token', prefix: 'sntry[su]_', source: 'sntry[su]_[0-9A-Za-z+/=_]{40,}' },
  { id: 'age-secret-key', prefix: 'AGE-SECRET-KEY-1', source: 'AGE-SECRET-KEY-1[0-9A-Z]{58}' },
  { id: '1password-service-account-token', prefix: 'ops_eyJ', source: 'ops_eyJ[0-9A-Za-z+/]{50,}={0,3}' },
  { id: 'facebook-page-access-token', prefix: 'EAA[A-Z]', source: 'EAA[A-Z][0-9A-Za-z]{60,}' },
  { id: 'heroku-api-key-v2', prefix: 'HRKU-', source: 'HRKU-[0-9A-Za-z_-]{40,}' },
  { id: 'openshift-user-token', prefix: 'sha256~', source: 'sha256~[0-9A-Za-z_-]{43}' },
  { id: 'pulumi-api-token', prefix: 'pul-', source: 'pul-[0-9a-f]{40}' },
  { id: 'rubygems-api-token', prefix: 'rubygems_', source: 'rubygems_[0-9a-f]{48}' },
  { id: 'prefect-api-token', prefix: 'pnu_', source: 'pnu_[0-9A-Za-z]{36}' },
  { id: 'notion-api-token (legacy secret_)', prefix: 'secret_', source: 'secret_[0-9A-Za-z]{43}' },
  { id: 'notion-api-token', prefix: 'ntn_', source: 'ntn_[0-9A-Za-z]{40,}' },
  { id: 'perplexity-api-key', prefix: 'pplx-', source: 'pplx-[0-9A-Za-z]{48}' },
  { id: 'clojars-api-token', prefix: 'CLOJARS_', source: 'CLOJARS_[0-9a-z]{60}' },
  { id: 'easypost-api-token', prefix: 'EZ[AT]K', source: 'EZ[AT]K[0-9A-Za-z]{54}' },
  { id: 'artifactory-api-key', prefix: 'AKCp', source: 'AKCp[0-9A-Za-z]{69}' },
  // Beyond gitleaks: secretlint's recommended preset and trufflehog detectors (prefix-anchored
  // rules only; bodies relaxed to a minimum length, as above).
  { id: 'dockerhub-pat (trufflehog)', prefix: 'dckr_pat_', source: 'dckr_pat_[0-9A-Za-z_-]{20,}' },
  { id: 'atlassian-api-token', prefix: 'ATATT3', source: 'ATATT3[0-9A-Za-z_=-]{20,}' },
  { id: 'groq-api-key (trufflehog)', prefix: 'gsk_', source: 'gsk_[0-9A-Za-z]{32,}' },
  { id: 'replicate-api-token (trufflehog)', prefix: 'r8_', source: 'r8_[0-9A-Za-z]{30,}' },
  { id: 'tailscale-key (trufflehog)', prefix: 'tskey-', source: 'tskey-(?:api|auth|client|webhook|scim)-[0-9A-Za-z_-]{16,}' },
  { id: 'new-relic-user-api-key', prefix: 'NRAK-', source: 'NRAK-[0-9A-Za-z]{20,}' },
  { id: 'figma-pat (trufflehog)', prefix: 'figd_', source: 'figd_[0-9A-Za-z_-]{30,}' },
  { id: 'supabase-service-key (trufflehog)', prefix: 'sbp_', source: 'sbp_[0-9A-Za-z]{32,}' },
  { id: 'sendinblue-api-token', prefix: 'xkeysib-', source: 'xkeysib-[0-9a-f]{32,}(?:-[0-9A-Za-z]{16})?' },
  { id: 'contentful-delivery-api-token', prefix: 'CFPAT-', source: 'CFPAT-[0-9A-Za-z_-]{32,}' },
  { id: 'flyio-access-token', prefix: 'fo1_', source: 'fo1_[0-9A-Za-z_-]{32,}' },
  { id: 'dynatrace-api-token', prefix: 'dt0c01\\.', source: 'dt0c01\\.[0-9A-Za-z]{24}\\.[0-9A-Za-z]{64}' },
  { id: 'adafruit-io-key (trufflehog)', prefix: 'aio_', source: 'aio_[0-9A-Za-z]{28}' },
  { id: 'shippo-api-token', prefix: 'shippo_(?:live|test)_', source: 'shippo_(?:live|test)_[0-9a-f]{40}' },
  { id: 'mailgun-private-api-token', prefix: 'key-', source: 'key-[0-9a-f]{32}' },
  // Webhook and bot URLs whose path is the credential (trufflehog DiscordWebhook, gitleaks
  // telegram-bot-api-token in its URL form).
  { id: 'discord-webhook-url (trufflehog)', prefix: 'discord', source: 'discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[0-9A-Za-z_-]{20,}' },
  { id: 'telegram-bot-api-token (URL)', prefix: 'api\\.telegram\\.org/bot', source: 'api\\.telegram\\.org/bot[0-9]{5,16}:[0-9A-Za-z_-]{30,}' },
  // More gitleaks rules with a fixed prefix (found missing by an independent corpus).
  { id: 'alibaba-access-key-id', prefix: 'LTAI', source: 'LTAI[0-9A-Za-z]{20}' },
  { id: 'typeform-api-token', prefix: 'tfp_', source: 'tfp_[0-9A-Za-z_.=-]{40,}' },
  { id: 'frameio-api-token', prefix: 'fio-u-', source: 'fio-u-[0-9A-Za-z_=-]{40,}' },
  { id: 'flutterwave-secret/encryption-key', prefix: 'FLW(?:SECK|PUBK)', source: 'FLW(?:SECK|PUBK)(?:_TEST)?-[0-9A-Za-z]{12,}(?:-X)?' },
  { id: 'adobe-client-secret', prefix: 'p8e-', source: 'p8e-[0-9A-Za-z]{32}' },
  { id: 'nuget-api-key (trufflehog)', prefix: 'oy2', source: 'oy2[0-9a-z]{43}' },
  { id: 'readme-api-token', prefix: 'rdme_', source: 'rdme_[0-9a-z]{40,}' },
  { id: 'scalingo-api-token', prefix: 'tk-us-', source: 'tk-us-[0-9A-Za-z_-]{40,}' },
  { id: 'yandex-api-key', prefix: 'AQVN', source: 'AQVN[0-9A-Za-z_-]{35,38}' },
  { id: 'yandex-access-token', prefix: 't1\\.', source: 't1\\.[A-Z0-9a-z_-]+={0,2}\\.[A-Z0-9a-z_-]{86}={0,2}' },
  { id: 'cloudflare-origin-ca-key', prefix: 'v1\\.0-', source: 'v1\\.0-[0-9a-f]{24}-[0-9a-f]{146}' },
  { id: 'duffel-api-token', prefix: 'duffel_(?:test|live)_', source: 'duffel_(?:test|live)_[0-9A-Za-z_=-]{43}' },
  { id: 'infracost-api-token', prefix: 'ico-', source: 'ico-[0-9A-Za-z]{32}' },
  { id: 'intra42-client-secret', prefix: 's-s4t2(?:ud|af)-', source: 's-s4t2(?:ud|af)-[0-9a-f]{64}' },
  { id: 'octopus-deploy-api-key', prefix: 'API-', source: 'API-[0-9A-Z]{26}' },
  { id: 'microsoft-teams-webhook', prefix: 'webhook\\.office\\.com/', source: 'webhook\\.office\\.com/webhookb2/[0-9a-f@-]{36,}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}' },
]);

/**
 * Provider credentials with no fixed opening but a fixed infix (gitleaks' rules, bodies as there):
 * found by indexOf of the anchor, then one sticky match from at most `before` characters back
 * over `beforeClass`. The anchors are rare in ordinary text, so the fast path pays a few native
 * substring searches, not a regex.
 */
export interface InfixDetector {
  readonly id: string;
  /** A literal every match contains. */
  readonly anchor: string;
  /** How many characters of the match stand before the anchor, at most. */
  readonly before: number;
  /** The characters those may be, as a regex class source. */
  readonly beforeClass: string;
  /** The whole match (RE2 subset). */
  readonly source: string;
}

export const INFIX_DETECTORS: readonly InfixDetector[] = Object.freeze([
  { id: 'telegram-bot-api-token', anchor: ':A', before: 16, beforeClass: '[0-9]', source: '[0-9]{5,16}:A[0-9A-Za-z_-]{34}' },
  { id: 'azure-ad-client-secret', anchor: 'Q~', before: 4, beforeClass: '[0-9A-Za-z_~.]', source: '[0-9A-Za-z_~.]{3}[0-9]Q~[0-9A-Za-z_~.-]{31,34}' },
  { id: 'mailchimp-api-key', anchor: '-us', before: 32, beforeClass: '[0-9a-f]', source: '[0-9a-f]{32}-us[0-9]{1,2}' },
  { id: 'hashicorp-tf-api-token', anchor: '.atlasv1.', before: 14, beforeClass: '[0-9A-Za-z]', source: '[0-9A-Za-z]{14}\\.atlasv1\\.[0-9A-Za-z_=-]{60,70}' },
]);

/** PEM and PGP private key blocks, whole: marker, body and end marker (a body left behind is
 *  still the key). With no end marker (a truncated value) the block runs to the end. */
export const PEM_SOURCE = '-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?(?:-----END [A-Z0-9 ]{0,40}-----|$)';
/** JWS (3 segments), JWE (5), unsecured (trailing dot) and bare base64url JSON (`eyJ…`). */
export const JWT_SOURCE = 'eyJ[A-Za-z0-9_-]{4,}={0,2}(?:\\.[A-Za-z0-9_-]*={0,2}){0,4}';

/** The provider prefixes as one alternation (the scanner's gate and the collector's rule). */
export const PROVIDER_PREFIX_SOURCE = PROVIDER_DETECTORS.map((d) => d.prefix).join('|');
export const PROVIDER_SOURCE = PROVIDER_DETECTORS.map((d) => d.source).join('|');

/** Characters an atom of a prefix source can start with: a literal, an escape, or a class. */
function atoms(src: string, i: number): [Set<string>, number] {
  const c = src[i]!;
  if (c === '\\') return [new Set([src[i + 1]!]), i + 2];
  if (c !== '[') return [new Set([c]), i + 1];
  const end = src.indexOf(']', i + 1);
  const out = new Set<string>();
  const body = src.slice(i + 1, end);
  for (let k = 0; k < body.length; k++) {
    if (body[k + 1] === '-' && k + 2 < body.length) {
      for (let x = body.charCodeAt(k); x <= body.charCodeAt(k + 2); x++) out.add(String.fromCharCode(x));
      k += 2;
    } else out.add(body[k]!);
  }
  return [out, end + 1];
}

/** The two-character openings of a prefix source (top-level `(?:a|b)` alternatives expanded). */
export function leads(prefix: string): string[] {
  if (prefix.startsWith('(?:') && prefix.endsWith(')') && !prefix.slice(3, -1).includes('(')) {
    return prefix.slice(3, -1).split('|').flatMap(leads);
  }
  const [a, i] = atoms(prefix, 0);
  if (prefix[i] === '(' ) {
    const alts = prefix.slice(i + 3, prefix.indexOf(')', i)).split('|');
    return [...a].flatMap((x) => alts.map((alt) => x + alt[0]));
  }
  const [b] = atoms(prefix, i);
  return [...a].flatMap((x) => [...b].map((y) => x + y));
}

/** Every two-character opening of a provider credential (the cheap gate before the regex). */
export const PROVIDER_LEADS: ReadonlySet<string> = new Set(PROVIDER_DETECTORS.flatMap((d) => leads(d.prefix)));
