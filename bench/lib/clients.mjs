// Static clients the benchmark server registers (bench/lib/auth-server.mjs) and the load uses.
// benchmark-client is the example AS's own client_credentials client (BENCHMARK_CLIENT).
export const CC_CLIENT = Object.freeze({ client_id: 'benchmark-client', client_secret: 'benchmark-client-secret' });
export const REFRESH_CLIENT = Object.freeze({
  client_id: 'bench-refresh-client',
  client_secret: 'bench-refresh-client-secret',
  redirect_uri: 'http://127.0.0.1:9/callback',
});
