/**
 * An MQTT broker's URL, checked where it enters (a profile, --broker) the way the MQTT client
 * will read it, and shown without its password wherever a message names it.
 */
const SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'];

/** Why `text` is not a broker URL the client can connect to, or null. */
export function brokerUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${shownBroker(text)}" is not a valid URL; give one such as mqtt://127.0.0.1:1883 (an IPv6 address in brackets: mqtt://[::1]:1883)`;
  }
  if (!SCHEMES.includes(url.protocol)) {
    return `"${shownBroker(text)}" is not a broker URL: it must start with ${SCHEMES.map((s) => `${s}//`).join(', ')}`;
  }
  if (url.hostname === '') return `"${shownBroker(text)}" names no host`;
  return null;
}

/** The URL as messages may show it: any password replaced by ***. */
export function shownBroker(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '***';
    return url.toString().replace(/\/$/, text.endsWith('/') ? '/' : '');
  } catch {
    // Not a URL the parser takes: hide whatever sits between "//user:" and "@".
    return text.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1***@');
  }
}
