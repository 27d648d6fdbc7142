// The demo's Kustomize app, "checkout", laid out the way Kustomize repositories usually are: a base, a component
// that some environments add, and one overlay per environment. The hub builds each overlay with the real kustomize;
// each environment's App takes its overlay to the clusters labelled with that environment.

/** What one environment's overlay sets, and the App that deploys it. */
export interface CheckoutOverlay {
  /** The `env` label of the clusters it goes to, and the overlay's directory name. */
  env: 'dev' | 'staging' | 'prod';
  app: string;
  path: string;
  replicas: number;
  logLevel: string;
  payments: 'sandbox' | 'live';
  /** Adds the high-availability component (a PodDisruptionBudget). */
  isHighlyAvailable: boolean;
}

const overlayOf = (env: CheckoutOverlay['env'], settings: Omit<CheckoutOverlay, 'env' | 'app' | 'path'>): CheckoutOverlay => ({
  env,
  app: `checkout-${env}`,
  path: `apps/checkout/overlays/${env}`,
  ...settings,
});

/** The overlays, dev to prod. */
export const CHECKOUT_OVERLAYS: readonly CheckoutOverlay[] = [
  overlayOf('dev', { replicas: 1, logLevel: 'debug', payments: 'sandbox', isHighlyAvailable: false }),
  overlayOf('staging', { replicas: 2, logLevel: 'info', payments: 'sandbox', isHighlyAvailable: true }),
  overlayOf('prod', { replicas: 3, logLevel: 'warn', payments: 'live', isHighlyAvailable: true }),
];

/** The namespace of the app; its Deployment and PodDisruptionBudget are named checkout. */
export const CHECKOUT_NAMESPACE = 'checkout';

function overlayKustomization(overlay: CheckoutOverlay): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
${overlay.isHighlyAvailable ? 'components:\n  - ../../components/high-availability\n' : ''}labels:
  - pairs:
      env: ${overlay.env}
replicas:
  - name: checkout
    count: ${overlay.replicas}
# Merged into the base's generated ConfigMap; its name's hash suffix changes with its content, and kustomize
# rewrites the Deployment's reference to it, so a settings change rolls the Pods.
configMapGenerator:
  - name: checkout-settings
    behavior: merge
    literals:
      - LOG_LEVEL=${overlay.logLevel}
      - PAYMENTS=${overlay.payments}
`;
}

/** The files of apps/checkout. */
export const CHECKOUT_FILES: Record<string, string> = {
  'apps/checkout/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${CHECKOUT_NAMESPACE}
labels:
  - pairs:
      app.kubernetes.io/name: checkout
resources:
  - namespace.yaml
  - deployment.yaml
configMapGenerator:
  - name: checkout-settings
    literals:
      - LOG_LEVEL=info
      - PAYMENTS=sandbox
`,
  'apps/checkout/base/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: ${CHECKOUT_NAMESPACE}
`,
  'apps/checkout/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  replicas: 1
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      containers:
        - name: checkout
          image: registry.example/checkout:2.4
          envFrom:
            - configMapRef:
                name: checkout-settings
`,
  'apps/checkout/components/high-availability/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - pod-disruption-budget.yaml
`,
  // A component's resources join after the base's namespace was set, hence the namespace here.
  'apps/checkout/components/high-availability/pod-disruption-budget.yaml': `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: checkout
  namespace: ${CHECKOUT_NAMESPACE}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: checkout
`,
  ...Object.fromEntries(CHECKOUT_OVERLAYS.map((o) => [`${o.path}/kustomization.yaml`, overlayKustomization(o)])),
};
