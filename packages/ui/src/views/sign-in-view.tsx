import { useState } from 'react';

/** Sign-in with an API token, kept for this tab only. */
export function SignInView({ error, onSignIn }: { error: string | undefined; onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main className="sign-in">
      <h1>Flotilla</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onSignIn(token.trim());
        }}
      >
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
        <button type="submit">Sign in</button>
        <p className="hint">The token is kept for this tab only and sent in a header, never in a URL.</p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
