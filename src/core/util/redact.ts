/** Removing credentials from text that is about to be shown (error lines, messages). */

/** `scheme://user:password@host` -> `scheme://***@host`, wherever a URL appears in `text`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi, '$1***@');
}
