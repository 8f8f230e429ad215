/**
 * Domains: reducing an email address, URL or host to its registrable domain, and telling
 * free-mail providers (whose domain says nothing about the sender's company) apart.
 */
import { domainToASCII } from 'node:url';
import { parse as parseHost } from 'tldts';
import freeMailDomains from 'email-providers/all.json' with { type: 'json' };

export const freeMail: ReadonlySet<string> = new Set(freeMailDomains);

// Private suffixes (github.io, herokuapp.com, blogspot.com) are kept apart, so a customer's
// `acme.github.io` site does not match every account on GitHub Pages.
const PARSE_OPTIONS = { allowPrivateDomains: true, detectIp: true, extractHostname: true } as const;
const PARSE_OPTIONS_ICANN = {
  allowPrivateDomains: false,
  detectIp: true,
  extractHostname: true,
} as const;

export interface HostAndDomain {
  host: string;
  domain: string;
}

/** Cuts `Jo <jo@acme.com>` or `jo@acme.com` down to the host; leaves URLs to tldts. */
function hostInput(value: string): string {
  let s = value.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  // In a URL an `@` separates credentials from the host, which tldts handles itself.
  if (at >= 0 && !s.includes('://')) {
    s = s.slice(at + 1);
    const end = s.search(/[\s>),;/?#]/);
    if (end >= 0) s = s.slice(0, end);
  }
  // tldts leaves non-ASCII hosts as they are; punycode them so that `münchen.de` and
  // `xn--mnchen-3ya.de` agree.
  if (!/^[\x20-\x7e]*$/.test(s)) {
    const slash = s.search(/[/?#]/);
    const scheme = s.indexOf('://');
    const start = scheme >= 0 && (slash < 0 || scheme < slash) ? scheme + 3 : 0;
    const rest = s.slice(start);
    const stop = rest.search(/[/?#:]/);
    const host = stop >= 0 ? rest.slice(0, stop) : rest;
    const ascii = domainToASCII(host);
    if (!ascii) return '';
    s = s.slice(0, start) + ascii + (stop >= 0 ? rest.slice(stop) : '');
  }
  return s;
}

export function hostAndDomain(value: unknown): HostAndDomain | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const input = hostInput(value);
  if (!input) return undefined;
  const parsed = parseHost(input, PARSE_OPTIONS);
  if (parsed.isIp || !parsed.hostname) return undefined;
  // A bare private suffix (`github.io` itself) has no registrable domain under the private rules
  // but is a real site; fall back to the ICANN rules for it.
  const domain = parsed.domain ?? parseHost(input, PARSE_OPTIONS_ICANN).domain;
  return domain ? { host: parsed.hostname, domain } : undefined;
}

/**
 * Reduces an email address, URL or host name to its registrable domain, lower-case:
 * `https://www.shop.acme.co.uk/x` → `acme.co.uk`, `jo@mail.acme.com` → `acme.com`. Uses the public
 * suffix list (tldts), private suffixes included, so `acme.github.io` stays `acme.github.io`.
 * Internationalised names come back in punycode. Returns undefined for anything that is not a
 * domain: non-strings, IP addresses, `localhost`, free text.
 */
export function normalizeDomain(value: unknown): string | undefined {
  return hostAndDomain(value)?.domain;
}

export function isFreeMail(hd: HostAndDomain): boolean {
  // The list holds some providers' subdomains only (`austin.rr.com`), so check the full host too.
  return freeMail.has(hd.domain) || freeMail.has(hd.host);
}

/**
 * True for free-mail and disposable address providers (gmail.com, yahoo.co.uk, outlook.com,
 * gmx.de, web.de, qq.com, … from the `email-providers` list): their domain says nothing about the
 * sender's company. Accepts a domain, a host (`mail.yahoo.com`) or an email address.
 */
export function isFreeMailDomain(domain: string): boolean {
  const hd = hostAndDomain(domain);
  if (hd) return isFreeMail(hd);
  return typeof domain === 'string' && freeMail.has(domain.trim().toLowerCase());
}
