import { describe, expect, it } from 'vitest';
import { fromAgentMessage } from './agent-stream-mapping.js';

describe('the mapping of an agent hello', () => {
  it('takes the count of reports the agent dropped, and 0 from agents that do not send it', () => {
    const hello = { cluster: 'eu-1', agentVersion: '0.2.0', kubernetesVersion: 'v1.36.3', assignments: [], bufferedReports: 0, capabilities: [] };
    expect(fromAgentMessage({ hello: { ...hello, droppedReports: 7 } })).toEqual({ kind: 'hello', cluster: 'eu-1', agentVersion: '0.2.0', kubernetesVersion: 'v1.36.3', droppedReports: 7 });
    const older = { ...hello } as unknown as Parameters<typeof fromAgentMessage>[0]['hello'];
    expect(fromAgentMessage({ hello: older })).toMatchObject({ kind: 'hello', droppedReports: 0 });
  });
});
