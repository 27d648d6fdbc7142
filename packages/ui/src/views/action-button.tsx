import { useState } from 'react';

/** A button running one hub call; asks first when `confirm` is given, then shows the result or the hub's error. */
export function ActionButton({ label, confirm, run }: { label: string; confirm?: string; run: () => Promise<string> }) {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <span className="action">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          setBusy(true);
          try {
            setResult({ ok: true, text: await run() });
          } catch (error) {
            setResult({ ok: false, text: (error as Error).message });
          } finally {
            setBusy(false);
          }
        }}
      >
        {label}
      </button>
      {result && (
        <span role={result.ok ? 'status' : 'alert'} className={result.ok ? 'result-ok' : 'error'}>
          {result.ok ? '✓ ' : '✗ '}
          {result.text}
        </span>
      )}
    </span>
  );
}
