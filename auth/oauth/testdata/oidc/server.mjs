// A certified OpenID provider (panva's oidc-provider) for auth/oauth's
// tests: it listens on 127.0.0.1 on a free port and prints one JSON line
// {"issuer": "..."} once it accepts requests. Its development login and
// consent pages (devInteractions) accept any login; the Go test drives them
// with plain HTTP, as a person would with a browser.
//
// Usage: node server.mjs CLIENT_ID CLIENT_SECRET
import http from 'node:http';
import Provider from 'oidc-provider';

const [clientId, clientSecret] = process.argv.slice(2);
if (!clientId || !clientSecret) {
  console.error('usage: node server.mjs CLIENT_ID CLIENT_SECRET');
  process.exit(2);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      // native: any loopback port matches (RFC 8252 §7.3), as Authdeck picks one.
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback/oidc'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    // Account "alice" with a sub only: the userinfo check needs no claims.
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, RefreshToken: 3600, Grant: 3600, Interaction: 600, Session: 3600 },
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});

// The Go test closes stdin when it is done; end with it, so no provider
// outlives its test even if the test is killed.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
