import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStatusOn, type Fleet, startFleet } from './fleet.js';

const configMap = (name: string, greeting: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  greeting: ${greeting}\n`;

const files = {
  'web/settings.yaml': configMap('settings', 'good'),
  'private/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  password: hunter2\n',
};

type Applied = { phase: string; generation: number; revision: string; errors: Array<{ code: string; message: string; file?: string }> };
type RenderStatusView = { state: string; revision: string; renderer?: string; message?: string; file?: string; clusters: string[] };
type Checkout = Awaited<ReturnType<Fleet['git']['checkout']>>;

// Every bad revision below also adds a new ConfigMap and changes the existing one: neither may reach the cluster.
describe('bad revisions apply nothing on a real cluster', () => {
  let fleet: Fleet;
  let kube: KubeClient;

  const push = async (change: (checkout: Checkout) => Promise<void>): Promise<string> => {
    const checkout = await fleet.git.checkout('fleet');
    await change(checkout);
    const commit = await checkout.commit('change');
    await checkout.push();
    await fleet.api().post('/api/v1/sources/fleet/refresh').expect(200);
    return commit;
  };
  /** Commits a bad revision on top of the good one, with a new object and a change. */
  const pushWith = (bad: (checkout: Checkout) => Promise<void>): Promise<string> =>
    push(async (checkout) => {
      await checkout.git(['rm', '-rq', '--ignore-unmatch', 'web/bad', 'link']);
      await checkout.write('web/settings.yaml', configMap('settings', 'changed by a bad revision'));
      await checkout.write('web/new.yaml', configMap('new-thing', 'should not exist'));
      await bad(checkout);
    });
  /** Pushes a bad revision the agent refuses (it renders on the hub) and waits for the agent's report of it. */
  const pushBad = async (bad: (checkout: Checkout) => Promise<void>): Promise<Applied> => {
    const commit = await pushWith(bad);
    await expect.poll(async () => ((await appStatusOn(fleet, 'web', 'eu-1'))?.applied as Applied | undefined)?.revision, { timeout: 30_000, interval: 200 }).toBe(`main@sha1:${commit}`);
    return (await appStatusOn(fleet, 'web', 'eu-1'))?.applied as Applied;
  };
  /**
   * Pushes a revision that fails to render on the hub and waits for the App to say RenderFailed: the revision makes no
   * generation, so the cluster keeps what it had (desired and applied unchanged). Returns the render status.
   */
  const pushUnrenderable = async (bad: (checkout: Checkout) => Promise<void>): Promise<RenderStatusView> => {
    const before = await appStatusOn(fleet, 'web', 'eu-1');
    const commit = await pushWith(bad);
    await expect.poll(async () => (await fleet.api().get('/api/v1/apps/web').expect(200)).body.renderStatus?.revision, { timeout: 30_000, interval: 200 }).toBe(`main@sha1:${commit}`);
    const renderStatus = (await fleet.api().get('/api/v1/apps/web').expect(200)).body.renderStatus as RenderStatusView;
    expect(renderStatus).toMatchObject({ state: 'RenderFailed', renderer: 'plain', clusters: ['eu-1'] });
    expect((await fleet.api().get('/metrics').expect(200)).text).toContain('flotilla_apps_render_failed{app="web"} 1');
    const after = await appStatusOn(fleet, 'web', 'eu-1');
    expect(after?.desired).toEqual(before?.desired);
    expect((after?.applied as Applied).revision).toBe((before?.applied as Applied).revision);
    return renderStatus;
  };
  const expectUntouched = async (): Promise<void> => {
    expect((await kube.request<{ data: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/settings' })).data).toEqual({ greeting: 'good' });
    await expect(kube.request({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/new-thing' })).rejects.toThrow(/not found|404/i);
  };

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' } }, files });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as NonNullable<Fleet['planes'][string]>).kubeConfig('admin') });
    await kube.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } } });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', namespace: 'web', targets: { clusters: ['eu-1'] } }).expect(201);
    await fleet.startAgent('eu-1');
  });
  afterAll(async () => {
    kube?.close();
    await fleet?.stop();
  });

  it('applies the good revision first', async () => {
    await expect.poll(async () => ((await appStatusOn(fleet, 'web', 'eu-1'))?.applied as Applied | undefined)?.phase, { timeout: 30_000 }).toBe('Synced');
    await expect(kube.request({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/settings' })).resolves.toBeDefined();
  });

  it('refuses a revision that declares an object twice', async () => {
    const render = await pushUnrenderable((c) => c.write('web/bad/dup.yaml', configMap('settings', 'a second settings')));
    // The hub renders before the App's namespace is filled in, so the object is named as declared (no namespace).
    expect(render.message).toContain('ConfigMap/settings is declared twice: in web/bad/dup.yaml:1 and web/settings.yaml:1');
    await expectUntouched();
  });

  it('refuses a revision with a kind the cluster does not know, at dry-run', async () => {
    const applied = await pushBad((c) => c.write('web/bad/gizmo.yaml', 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g\n'));
    expect(applied.phase).toBe('Failed');
    expect(applied.errors[0]?.code).toBe('DRY_RUN_FAILED');
    expect(applied.errors[0]?.message).toContain('Gizmo');
    await expectUntouched();
  });

  it('refuses a revision with a file over the size limit', async () => {
    const render = await pushUnrenderable((c) => c.write('web/bad/huge.yaml', `${configMap('huge', 'x')}  filler: "${'x'.repeat(5 * 1024 * 1024)}"\n`));
    expect(render.file).toBe('web/bad/huge.yaml');
    expect(render.message).toContain('over the limit');
    await expectUntouched();
  });

  it('refuses a revision with a YAML alias bomb', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const render = await pushUnrenderable((c) => c.write('web/bad/bomb.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  ${levels.join('\n  ')}\n`));
    expect(render.file).toBe('web/bad/bomb.yaml');
    expect(render.message).toContain('alias');
    await expectUntouched();
  });

  it('never follows symlinks inside the app path: they are skipped', async () => {
    const commit = await push(async (checkout) => {
      await checkout.git(['rm', '-rq', '--ignore-unmatch', 'web/bad']);
      await checkout.write('web/settings.yaml', configMap('settings', 'good'));
      await checkout.remove('web/new.yaml');
      await symlink('../private/secret.yaml', join(checkout.dir, 'web', 'leak.yaml'));
      await symlink('../private', join(checkout.dir, 'web', 'private'));
    });
    await expect.poll(async () => ((await appStatusOn(fleet, 'web', 'eu-1'))?.applied as Applied | undefined)?.revision, { timeout: 30_000, interval: 200 }).toBe(`main@sha1:${commit}`);
    expect(((await appStatusOn(fleet, 'web', 'eu-1'))?.applied as Applied).phase).toBe('Synced');
    await expectUntouched();
    await expect(kube.request({ method: 'GET', path: '/api/v1/namespaces/web/secrets/leaked' })).rejects.toThrow(/not found|404/i);
  });

  it('refuses a revision with a symlink out of the repository, naming it', async () => {
    // The hub checks out the whole commit (kustomize reads bases anywhere in it): a link out of it fails the render.
    const render = await pushUnrenderable((c) => symlink('/etc/passwd', join(c.dir, 'web', 'passwd.yaml')));
    expect(render.message).toContain('symlink "web/passwd.yaml"');
    expect(render.message).toContain('points outside the repository');
    await expectUntouched();
  });

  it('refuses an app path that goes through a symlink', async () => {
    const commit = await push(async (checkout) => {
      await checkout.git(['rm', '-rq', '--ignore-unmatch', 'web/bad', 'web/passwd.yaml', 'web/new.yaml']);
      await checkout.write('web/settings.yaml', configMap('settings', 'good'));
      await symlink('private', join(checkout.dir, 'link'));
    });
    await fleet.api().post('/api/v1/apps').send({ name: 'linked', source: 'fleet', path: 'link', namespace: 'web', targets: { clusters: ['eu-1'] } }).expect(201);
    await expect.poll(async () => (await fleet.api().get('/api/v1/apps/linked').expect(200)).body.renderStatus?.state, { timeout: 30_000, interval: 200 }).toBe('RenderFailed');
    const { renderStatus } = (await fleet.api().get('/api/v1/apps/linked').expect(200)).body as { renderStatus: RenderStatusView };
    expect(renderStatus).toMatchObject({ revision: `main@sha1:${commit}`, file: 'link', clusters: ['eu-1'] });
    expect(renderStatus.message).toContain('goes through a symlink');
    expect((await appStatusOn(fleet, 'linked', 'eu-1'))?.applied ?? null).toBeNull();
    await expect(kube.request({ method: 'GET', path: '/api/v1/namespaces/web/secrets/leaked' })).rejects.toThrow(/not found|404/i);
  });
});
