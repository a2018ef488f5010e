/** The record's history sections: prior treatments, labs, imaging studies with their lesions. */
import { Accordion } from "@mantine/core";
import type { CaseRecord, Source } from "../../../../src/clinic/case-schema.js";
import { LesionsEditor } from "./LesionsEditor";
import { SectionEditor, show, type ValueSetOption } from "./fields";
import { coded, LOINC, num, str } from "./values";

export function ClinicalHistorySections({
  record,
  onChange,
  source,
  picked,
}: {
  record: CaseRecord;
  onChange: (update: (r: CaseRecord) => CaseRecord) => void;
  source: Source;
  picked: Map<string, ValueSetOption>;
}) {
  const set =
    (k: "treatments" | "labs" | "imaging") =>
    (update: (entries: Record<string, unknown>[]) => Record<string, unknown>[]) =>
      onChange((r) => ({ ...r, [k]: update(r[k] as unknown as Record<string, unknown>[]) }) as CaseRecord);
  const remember = (o: ValueSetOption) => {
    picked.set(o.text, o);
    return {};
  };
  return (
    <>
      <Accordion.Item value="treatments">
        <Accordion.Control>Prior treatments</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Treatments"
            entries={record.treatments}
            source={source}
            onChange={set("treatments")}
            fields={[
              {
                key: "kind",
                label: "Kind",
                kind: "select",
                options: ["medication", "radiotherapy", "surgery", "other"],
                required: true,
                width: 130,
              },
              { key: "name", label: "Agent or procedure", kind: "text", required: true, width: 200 },
              { key: "start", label: "Start", kind: "date" },
              { key: "end", label: "End", kind: "date" },
              {
                key: "bestResponse",
                label: "Best response",
                kind: "select",
                options: ["CR", "PR", "SD", "PD", "NE"],
                width: 110,
              },
              {
                key: "reasonStopped",
                label: "Reason stopped",
                kind: "select",
                options: ["progression", "toxicity", "completed", "patient choice", "other"],
                width: 140,
              },
            ]}
            columns={[
              { key: "kind", label: "kind" },
              { key: "name", label: "name" },
              { key: "start", label: "start" },
              { key: "end", label: "end" },
              { key: "bestResponse", label: "best" },
              { key: "reasonStopped", label: "stopped for" },
            ]}
            make={(d) =>
              str(d.start) && str(d.end) && String(d.end) < String(d.start)
                ? "End: before the start"
                : {
                    kind: d.kind,
                    name: String(d.name),
                    ...(str(d.start) ? { start: str(d.start) } : {}),
                    ...(str(d.end) ? { end: str(d.end), status: "completed" } : {}),
                    ...(str(d.bestResponse) ? { bestResponse: str(d.bestResponse) } : {}),
                    ...(str(d.reasonStopped) ? { reasonStopped: str(d.reasonStopped) } : {}),
                  }
            }
          />
        </Accordion.Panel>
      </Accordion.Item>
      <Accordion.Item value="labs">
        <Accordion.Control>Labs</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Labs"
            entries={record.labs}
            source={source}
            onChange={set("labs")}
            fields={[
              {
                key: "name",
                label: "Test",
                kind: "valueset",
                valueSet: "labs",
                pick: (o) => ({ unit: o.unit, ...remember(o) }),
                required: true,
                width: 200,
              },
              { key: "value", label: "Value", kind: "number", required: true, width: 90 },
              { key: "unit", label: "Unit", kind: "text", width: 90 },
              { key: "referenceLow", label: "Ref. low", kind: "number", width: 90 },
              { key: "referenceHigh", label: "Ref. high", kind: "number", width: 90 },
              { key: "date", label: "Date", kind: "date", required: true },
            ]}
            columns={[
              { key: "name", label: "test" },
              { key: "value", label: "value" },
              { key: "unit", label: "unit" },
              {
                key: "ref",
                label: "reference",
                value: (e) => `${show(e.referenceLow)}–${show(e.referenceHigh)}`,
              },
              { key: "date", label: "date" },
            ]}
            make={(d) => {
              const o = picked.get(String(d.name));
              return {
                name: String(d.name),
                code: coded(o, LOINC) ?? {},
                value: num(d.value),
                ...(str(d.unit) ? { unit: str(d.unit) } : {}),
                ...(num(d.referenceLow) !== undefined ? { referenceLow: num(d.referenceLow) } : {}),
                ...(num(d.referenceHigh) !== undefined ? { referenceHigh: num(d.referenceHigh) } : {}),
                date: str(d.date),
              };
            }}
          />
        </Accordion.Panel>
      </Accordion.Item>
      <Accordion.Item value="imaging">
        <Accordion.Control>Imaging studies and lesions</Accordion.Control>
        <Accordion.Panel>
          <SectionEditor
            title="Imaging"
            // a study holds its lesions: edit those below, or remove the study
            editable={false}
            entries={record.imaging}
            source={source}
            onChange={set("imaging")}
            fields={[
              { key: "date", label: "Date", kind: "date", required: true },
              {
                key: "modality",
                label: "Modality",
                kind: "select",
                options: ["CT", "MRI", "PET-CT", "Ultrasound", "X-ray"],
                required: true,
                width: 120,
              },
              { key: "bodySite", label: "Body part", kind: "text" },
              { key: "report", label: "Report (summary)", kind: "text", width: 220 },
            ]}
            columns={[
              { key: "date", label: "date" },
              { key: "modality", label: "modality" },
              { key: "bodySite", label: "body part" },
              { key: "lesions", label: "lesions", value: (e) => `${(e.lesions as unknown[]).length}` },
            ]}
            make={(d) => ({
              date: String(d.date),
              modality: str(d.modality),
              ...(str(d.bodySite) ? { bodySite: str(d.bodySite) } : {}),
              ...(str(d.report) ? { report: str(d.report) } : {}),
              lesions: [],
            })}
          />
          {record.imaging.map((im, i) => (
            <LesionsEditor
              key={`${im.date}-${i}`}
              study={im}
              onChange={(update) =>
                onChange((r) => ({
                  ...r,
                  imaging: r.imaging.map((x, j) => (j === i ? { ...x, lesions: update(x.lesions) } : x)),
                }))
              }
            />
          ))}
        </Accordion.Panel>
      </Accordion.Item>
    </>
  );
}
