// The demo's Git repository: one app, "hello", that every cluster runs with its own name and environment filled in.
// The demo's control planes run no controllers or nodes, so the app is configuration only (a Namespace, a ConfigMap
// and a ClusterIP Service): objects whose health needs no controller.

/** Path of the app inside the repository. */
export const APP_PATH = 'apps/hello';

/** The first commit. */
export const SAMPLE_FILES: Record<string, string> = {
  'README.md': '# fleet\n\nThe Flotilla demo repository: `apps/hello` runs on every cluster.\n',
  'apps/hello/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: hello
`,
  'apps/hello/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: greeting
  namespace: hello
data:
  # \${cluster.name} and \${cluster.labels.env} are filled in by the hub for each cluster.
  message: "hello from \${cluster.name}"
  environment: "\${cluster.labels.env}"
`,
  'apps/hello/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: hello
spec:
  selector:
    app: hello
  ports:
    - name: http
      port: 80
      targetPort: 8080
`,
};

/** The second commit: a new greeting. */
export const GREETING_CHANGE = {
  path: 'apps/hello/configmap.yaml',
  from: 'message: "hello from',
  to: 'message: "bonjour from',
  commitMessage: 'Greet in French',
};

/** The bad commit: a port out of range, which the API server refuses at dry-run. */
export const BAD_PORT_CHANGE = {
  path: 'apps/hello/service.yaml',
  from: 'port: 80\n',
  to: 'port: 99999\n',
  commitMessage: 'Move the web port (typo: 99999)',
};
