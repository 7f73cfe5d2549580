// The Content-Security-Policy of every panel: only our bundled script (by nonce) and stylesheet run;
// images only from data:/blob: (the PNG export draws the SVG through an <img>); nothing from the network.

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** A nonce from random bytes, in hex: only characters a CSP source expression may hold. */
export function nonceFrom(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
