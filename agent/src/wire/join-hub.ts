import * as grpc from '@grpc/grpc-js';
import { AgentServiceClient, type JoinResponse } from '@flotilla/proto';

/** What a Join call needs. */
export interface JoinHubOptions {
  address: string;
  /** The channel to the hub (identity/channel-credentials.ts's hubChannel()). */
  channel: { credentials: grpc.ChannelCredentials; options: grpc.ClientOptions };
  joinToken: string;
  cluster: string;
  agentVersion: string;
  timeoutMs?: number;
}

/** Exchanges the cluster's join token for its credential with AgentService.Join; rejects with the gRPC ServiceError. */
export function joinHub(options: JoinHubOptions): Promise<string> {
  const client = new AgentServiceClient(options.address, options.channel.credentials, options.channel.options);
  const deadline = new Date(Date.now() + (options.timeoutMs ?? 30_000));
  return new Promise<string>((resolve, reject) => {
    client.join(
      { joinToken: options.joinToken, cluster: options.cluster, agentVersion: options.agentVersion },
      new grpc.Metadata(),
      { deadline },
      (error: grpc.ServiceError | null, response: JoinResponse) => {
        client.close();
        if (error) reject(error);
        else if (!response.credential) reject(new Error('the hub answered Join without a credential'));
        else resolve(response.credential);
      },
    );
  });
}
