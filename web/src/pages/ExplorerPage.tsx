import { SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { ClinicalExplorer } from "./explorer/ClinicalExplorer";
import { LibraryExplorer } from "./explorer/LibraryExplorer";

/** The model explorer: the calibrated clinical model (what plans use) first, the library of models beside it. */
export function ExplorerPage() {
  const [view, setView] = useState("clinical");
  return (
    <Stack>
      <Title order={1}>Model explorer</Title>
      <SegmentedControl
        aria-label="model explorer view"
        value={view}
        onChange={setView}
        data={[
          { value: "clinical", label: "Calibrated clinical model" },
          { value: "library", label: "Model library (research)" },
        ]}
        w="fit-content"
      />
      {view === "clinical" ? (
        <ClinicalExplorer />
      ) : (
        <>
          <Text size="sm">
            Published models reproduced and the de Pillis-based core model, compiled and solved in this
            browser. Plans use the calibrated clinical model (the other view).
          </Text>
          <LibraryExplorer />
        </>
      )}
    </Stack>
  );
}
