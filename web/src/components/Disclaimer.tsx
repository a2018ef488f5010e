import { Alert } from "@mantine/core";

export const DISCLAIMER =
  "Research tool — decision support only. Predictions come from research models with published and assumed parameters; the clinician decides.";

export function Disclaimer() {
  return (
    <Alert color="orange" variant="light" role="note" title="Decision support" mb="md">
      {DISCLAIMER}
    </Alert>
  );
}
