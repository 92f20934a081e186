// In-memory storage adapter for oidc-provider, one store per server instance.
// oidc-provider's built-in adapter keeps one module-wide LRU of 1000 entries shared by every Provider
// in the process; this one is a plain Map per createAuthServer() call, with TTL expiry, so several
// servers (and a load benchmark) in one process neither share nor evict each other's state.

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

export function createMemoryAdapterFactory() {
  /** key -> { payload, expiresAt } */
  const store = new Map();
  /** grantId -> Set of keys */
  const grants = new Map();
  /** secondary indexes */
  const sessionUids = new Map();
  const userCodes = new Map();
  let writes = 0;

  const alive = (entry) => entry && (entry.expiresAt === undefined || entry.expiresAt > Date.now());

  function sweep() {
    const now = Date.now();
    for (const [key, entry] of store) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) store.delete(key);
    }
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!store.has(key)) keys.delete(key);
      if (keys.size === 0) grants.delete(grantId);
    }
    for (const index of [sessionUids, userCodes]) {
      for (const [k, key] of index) if (!store.has(key)) index.delete(k);
    }
  }

  class MemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      store.set(key, {
        payload,
        expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined,
      });
      if (GRANTABLE.has(this.model) && payload.grantId) {
        let keys = grants.get(payload.grantId);
        if (!keys) grants.set(payload.grantId, (keys = new Set()));
        keys.add(key);
      }
      if (this.model === 'Session' && payload.uid) sessionUids.set(payload.uid, key);
      if (payload.userCode) userCodes.set(payload.userCode, key);
      if (++writes % 1000 === 0) sweep();
    }

    async find(id) {
      const entry = store.get(this.key(id));
      if (!alive(entry)) return undefined;
      return entry.payload;
    }

    async findByUid(uid) {
      const entry = store.get(sessionUids.get(uid));
      return alive(entry) ? entry.payload : undefined;
    }

    async findByUserCode(userCode) {
      const entry = store.get(userCodes.get(userCode));
      return alive(entry) ? entry.payload : undefined;
    }

    async consume(id) {
      const entry = store.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const keys = grants.get(grantId);
      if (!keys) return;
      for (const key of keys) {
        if (key.startsWith(`${this.model}:`)) {
          store.delete(key);
          keys.delete(key);
        }
      }
      if (keys.size === 0) grants.delete(grantId);
    }
  }

  return {
    Adapter: MemoryAdapter,
    /** Number of live entries, for tests and diagnostics. */
    size: () => store.size,
    clear: () => {
      store.clear();
      grants.clear();
      sessionUids.clear();
      userCodes.clear();
    },
  };
}
