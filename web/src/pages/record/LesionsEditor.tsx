/** The lesions of one imaging study: target / non-target / new, organ, nodal, longest (or short-axis) diameter. */
import { Card, Text } from "@mantine/core";
import type { CaseRecord } from "../../../../src/clinic/case-schema.js";
import { SectionEditor } from "./fields";

type Study = CaseRecord["imaging"][number];
type Lesion = Study["lesions"][number];

export function LesionsEditor({
  study,
  onChange,
}: {
  study: Study;
  onChange: (update: (lesions: Lesion[]) => Lesion[]) => void;
}) {
  return (
    <Card withBorder mt="xs" p="xs">
      <Text size="sm" fw={600} mb={4}>
        Lesions on the {study.modality ?? "scan"} of {study.date}
      </Text>
      <SectionEditor
        title={`Lesions ${study.date}`}
        entries={study.lesions as unknown as Record<string, unknown>[]}
        // a lesion belongs to its study: the study's source is the lesion's
        source={study.source}
        onChange={(update) =>
          onChange((lesions) =>
            update(lesions as unknown as Record<string, unknown>[]).map(
              ({ source: _s, ...l }) => (void _s, l as unknown as Lesion),
            ),
          )
        }
        fields={[
          { key: "id", label: "Lesion id (same on every scan)", kind: "text", required: true, width: 150 },
          {
            key: "role",
            label: "Role",
            kind: "choice",
            options: ["target", "non-target", "new"],
            required: true,
            width: 120,
          },
          { key: "organ", label: "Organ", kind: "text", width: 120 },
          { key: "location", label: "Location", kind: "text", width: 140 },
          { key: "nodal", label: "lymph node", kind: "check" },
          {
            key: "diameterMm",
            label: "Diameter mm (longest; short axis for nodes)",
            kind: "number",
            width: 150,
          },
          {
            key: "state",
            label: "State (unmeasured)",
            kind: "select",
            options: ["present", "absent", "unequivocal-progression"],
            width: 150,
          },
        ]}
        columns={[
          { key: "id", label: "id" },
          { key: "role", label: "role" },
          { key: "organ", label: "organ" },
          { key: "location", label: "location" },
          { key: "nodal", label: "nodal", value: (e) => (e.nodal ? "yes" : "no") },
          { key: "diameterMm", label: "mm" },
          { key: "state", label: "state" },
        ]}
        make={(d) => {
          if (study.lesions.some((l) => l.id === d.id))
            return `Lesion id: '${String(d.id)}' is already on this scan`;
          if (d.role === "target" && typeof d.diameterMm !== "number")
            return "Diameter: a target lesion is measured";
          if (typeof d.diameterMm === "number" && d.diameterMm < 0) return "Diameter: not negative";
          return {
            id: String(d.id),
            role: d.role,
            nodal: d.nodal === true,
            ...(typeof d.diameterMm === "number" ? { diameterMm: d.diameterMm } : {}),
            ...(d.state ? { state: d.state } : {}),
            ...(d.organ ? { organ: d.organ } : {}),
            ...(d.location ? { location: d.location } : {}),
          };
        }}
      />
    </Card>
  );
}
