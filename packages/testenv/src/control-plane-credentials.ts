import { generateKeyPair, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The identities a test control plane accepts and the files kube-apiserver reads them from. */
export interface ControlPlaneCredentials {
  adminToken: string;
  userToken: string;
  userName: string;
  tokenFilePath: string;
  serviceAccountPrivateKeyPath: string;
  serviceAccountPublicKeyPath: string;
}

/** The non-admin identity: authenticated, but granted nothing beyond Kubernetes' default discovery roles. */
export const USER_NAME = 'flotilla-user';

/** Writes a static token file (an admin in system:masters, one plain user) and a service-account RSA key pair. */
export async function writeControlPlaneCredentials(dir: string): Promise<ControlPlaneCredentials> {
  const adminToken = randomBytes(24).toString('hex');
  const userToken = randomBytes(24).toString('hex');
  const tokenFilePath = join(dir, 'tokens.csv');
  // Format: token,user,uid,"group1,group2". system:masters bypasses RBAC; the user has no group, so RBAC applies.
  await writeFile(tokenFilePath, `${adminToken},admin,admin,"system:masters"\n${userToken},${USER_NAME},${USER_NAME}\n`, {
    mode: 0o600,
  });

  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const serviceAccountPrivateKeyPath = join(dir, 'service-account.key');
  const serviceAccountPublicKeyPath = join(dir, 'service-account.pub');
  await writeFile(serviceAccountPrivateKeyPath, privateKey, { mode: 0o600 });
  await writeFile(serviceAccountPublicKeyPath, publicKey);

  return { adminToken, userToken, userName: USER_NAME, tokenFilePath, serviceAccountPrivateKeyPath, serviceAccountPublicKeyPath };
}
