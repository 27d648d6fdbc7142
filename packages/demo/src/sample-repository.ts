// The demo's Git repository: "hello", plain YAML that every cluster runs with its own name and environment filled in,
// and "checkout", a Kustomize app with an overlay per environment (checkout-app.ts). The demo's clusters run workloads
// (controllers, a scheduler and a KWOK node each), so hello is a small web Deployment whose Pods really go Running and
// Ready, with its Service and the ConfigMap of its greeting.

import { CHECKOUT_FILES } from './checkout-app.js';
import type { Edit } from './demo-session.js';

/** Path of the app inside the repository. */
export const APP_PATH = 'apps/hello';

/** The image the app runs first; the commits below move it on. */
export const FIRST_IMAGE = 'registry.example/hello-web:1.0';

/** The first commit. */
export const SAMPLE_FILES: Record<string, string> = {
  'README.md':
    '# fleet\n\nThe Flotilla demo repository: `apps/hello` runs on every cluster; `apps/checkout` is a Kustomize app, one overlay per environment.\n',
  ...CHECKOUT_FILES,
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
  'apps/hello/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: hello
spec:
  replicas: 2
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
        - name: web
          image: ${FIRST_IMAGE}
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: greeting
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

/** The second commit: a new release of the web image and a new greeting. */
export const RELEASE_CHANGE: Edit = {
  commitMessage: 'Release hello-web 1.1, greeting in French',
  changes: [
    { path: 'apps/hello/deployment.yaml', from: 'hello-web:1.0', to: 'hello-web:1.1' },
    { path: 'apps/hello/configmap.yaml', from: 'message: "hello from', to: 'message: "bonjour from' },
  ],
};

/** The bad commit: a release whose image crashes at start (KWOK crash-loops the Pods of any image tagged `:broken`). */
export const BROKEN_RELEASE_CHANGE: Edit = {
  commitMessage: 'Release hello-web 1.2 (this build crashes at start)',
  changes: [{ path: 'apps/hello/deployment.yaml', from: 'hello-web:1.1', to: 'hello-web:broken' }],
};
