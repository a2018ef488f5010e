/** Test support: DICOM files built byte by byte. */

/** A minimal DICOM Part 10 file (explicit VR little endian) with study date, modality and body part. */
export function dicomFile(): Buffer {
  const el = (group: number, element: number, vr: string, value: string) => {
    const v = Buffer.from(value.length % 2 ? value + (vr === "UI" ? "\0" : " ") : value, "latin1");
    const h = Buffer.alloc(8);
    h.writeUInt16LE(group, 0);
    h.writeUInt16LE(element, 2);
    h.write(vr, 4, "latin1");
    h.writeUInt16LE(v.length, 6);
    return Buffer.concat([h, v]);
  };
  const meta = Buffer.concat([el(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1")]);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write("UL", 4, "latin1");
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(meta.length, 8);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from("DICM", "latin1"),
    groupLength,
    meta,
    el(0x0008, 0x0020, "DA", "20261113"),
    el(0x0008, 0x0060, "CS", "CT"),
    el(0x0008, 0x1030, "LO", "CT chest abdomen"),
    el(0x0018, 0x0015, "CS", "CHEST"),
  ]);
}
