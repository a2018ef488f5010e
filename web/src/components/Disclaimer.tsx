import { Alert } from "@mantine/core";

export const DISCLAIMER =
  "Research tool — decision support only. Predictions come from research models with published and assumed parameters; the clinician decides.";

export function Disclaimer() {
  return (
    <Alert
      color="yellow"
      variant="light"
      role="note"
      title="Decision support"
      mb="md"
      styles={{ title: { color: "#5c3c00" }, message: { color: "#212529" } }}
    >
      {DISCLAIMER}
    </Alert>
  );
}
