/**
 * A response body as a JSON object, or undefined. JSON.parse is linear and native; the result is
 * plain data (no getters, `__proto__` is an own key), read field by field and then dropped.
 */
export function parseJsonObject(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined || bytes.length === 0) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function str(o: Record<string, unknown> | undefined, key: string, max = 2048): string | undefined {
  if (o === undefined || !Object.hasOwn(o, key)) return undefined;
  const v = o[key];
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

export function strList(o: Record<string, unknown> | undefined, key: string, maxItems = 64): string[] | undefined {
  if (o === undefined || !Object.hasOwn(o, key)) return undefined;
  const v = o[key];
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < v.length && out.length < maxItems; i++) if (typeof v[i] === 'string' && (v[i] as string).length <= 256) out.push(v[i] as string);
  return out;
}
