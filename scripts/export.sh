#!/bin/sh
# The formats people import, from out/inception.img: qcow2 (QEMU,
# compressed), VMDK (stream-optimized), VDI (VirtualBox) and an OVA for
# VirtualBox's "Import Appliance": a tar holding the OVF 1.0 descriptor
# first, the stream-optimized VMDK, and a manifest of SHA256 sums.
# Usage: scripts/export.sh OUT
#   VM_MEM  memory in MiB the OVF asks for (default 1024)
set -eu
out=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
img=$out/inception.img
mem=${VM_MEM:-1024}
[ -s "$img" ] || { echo "export: $img is missing (make builds it)" >&2; exit 1; }
tmp=$out/build/export
rm -rf "$tmp"
mkdir -p "$tmp"

qemu-img convert -c -O qcow2 "$img" "$out/inception.qcow2.tmp"
mv "$out/inception.qcow2.tmp" "$out/inception.qcow2"
qemu-img convert -O vdi "$img" "$out/inception.vdi.tmp"
mv "$out/inception.vdi.tmp" "$out/inception.vdi"
qemu-img convert -O vmdk -o subformat=streamOptimized "$img" "$tmp/inception-disk1.vmdk"
cp "$tmp/inception-disk1.vmdk" "$out/inception.vmdk"

capacity=$(stat -c %s "$img")
vmdk_size=$(stat -c %s "$tmp/inception-disk1.vmdk")
login=$("$top/scripts/config.sh" LOGIN)
https=$("$top/scripts/config.sh" HTTPS_PORT)
# Stable identities, from the disk's content, so a rebuild of the same
# disk gives the same descriptor.
sum=$(sha256sum <"$tmp/inception-disk1.vmdk" | cut -c1-32)
uuid() { echo "$1" | sed 's/^\(........\)\(....\)\(....\)\(....\)\(............\).*/\1-\2-\3-\4-\5/'; }
disk_uuid=$(uuid "$sum")
vm_uuid=$(uuid "$(echo "vm$sum" | sha256sum | cut -c1-32)")
mac=080027$(echo "mac$sum" | sha256sum | cut -c1-6 | tr a-f A-F)

python3 - "$tmp/inception.ovf" <<PY
import sys
ovf = '''<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/export.sh: the Inception appliance, OVF 1.0, for
     VirtualBox's Import Appliance (BIOS, AHCI SATA, e1000 on NAT with
     port forwarding for https and ssh). -->
<Envelope ovf:version="1.0" xml:lang="en-US"
  xmlns="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:vbox="http://www.virtualbox.org/ovf/machine">
  <References>
    <File ovf:id="file1" ovf:href="inception-disk1.vmdk" ovf:size="$vmdk_size"/>
  </References>
  <DiskSection>
    <Info>List of the virtual disks used in the package</Info>
    <Disk ovf:capacity="$capacity" ovf:diskId="vmdisk1" ovf:fileRef="file1"
      ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
      vbox:uuid="$disk_uuid"/>
  </DiskSection>
  <NetworkSection>
    <Info>Logical networks used in the package</Info>
    <Network ovf:name="NAT">
      <Description>Logical network used by this appliance.</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="inception">
    <Info>A virtual machine</Info>
    <ProductSection>
      <Info>Meta-information about the installed software</Info>
      <Product>Inception appliance</Product>
      <FullVersion>1.0</FullVersion>
      <ProductUrl>https://$login.42.fr/</ProductUrl>
    </ProductSection>
    <AnnotationSection>
      <Info>A human-readable annotation</Info>
      <Annotation>$(echo "Add '127.0.0.1 $login.42.fr' to your hosts file and open https://$login.42.fr/ (host port $https is forwarded to the VM's $https; 127.0.0.1:2222 to its ssh). Power off with ACPI Shutdown.")</Annotation>
    </AnnotationSection>
    <OperatingSystemSection ovf:id="96">
      <Info>The kind of installed guest operating system</Info>
      <Description>Debian_64</Description>
      <vbox:OSType ovf:required="false">Debian_64</vbox:OSType>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements for a virtual machine</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>inception</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>virtualbox-2.2</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:Caption>2 virtual CPU</rasd:Caption>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPU</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits>
        <rasd:Caption>$mem MB of memory</rasd:Caption>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>$mem MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>$mem</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Caption>sataController0</rasd:Caption>
        <rasd:Description>SATA Controller</rasd:Description>
        <rasd:ElementName>sataController0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>AHCI</rasd:ResourceSubType>
        <rasd:ResourceType>20</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Caption>Ethernet adapter on 'NAT'</rasd:Caption>
        <rasd:Connection>NAT</rasd:Connection>
        <rasd:ElementName>Ethernet adapter on 'NAT'</rasd:ElementName>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:ResourceSubType>E1000</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:Caption>disk1</rasd:Caption>
        <rasd:Description>Disk Image</rasd:Description>
        <rasd:ElementName>disk1</rasd:ElementName>
        <rasd:HostResource>/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
    <vbox:Machine ovf:required="false" version="1.16-linux" uuid="{$vm_uuid}" name="inception" OSType="Debian_64" snapshotFolder="Snapshots">
      <ovf:Info>Complete VirtualBox machine configuration in VirtualBox format</ovf:Info>
      <Hardware>
        <CPU count="2"/>
        <Memory RAMSize="$mem"/>
        <Firmware type="BIOS"/>
        <Boot>
          <Order position="1" device="HardDisk"/>
          <Order position="2" device="None"/>
          <Order position="3" device="None"/>
          <Order position="4" device="None"/>
        </Boot>
        <Display controller="VMSVGA" VRAMSize="16"/>
        <BIOS>
          <IOAPIC enabled="true"/>
        </BIOS>
        <Network>
          <Adapter slot="0" enabled="true" MACAddress="$mac" type="82540EM">
            <NAT>
              <Forwarding name="https" proto="1" hostip="127.0.0.1" hostport="$https" guestport="$https"/>
              <Forwarding name="ssh" proto="1" hostip="127.0.0.1" hostport="2222" guestport="22"/>
              <Forwarding name="ftp" proto="1" hostip="127.0.0.1" hostport="21" guestport="21"/>
$(for p in $(seq 21000 21009); do echo "              <Forwarding name=\"ftp-pasv-$p\" proto=\"1\" hostip=\"127.0.0.1\" hostport=\"$p\" guestport=\"$p\"/>"; done)
            </NAT>
          </Adapter>
        </Network>
        <UART>
          <Port slot="0" enabled="false" IOBase="0x3f8" IRQ="4" hostMode="Disconnected"/>
        </UART>
        <AudioAdapter enabled="false"/>
      </Hardware>
      <StorageControllers>
        <StorageController name="SATA" type="AHCI" PortCount="1" useHostIOCache="false" Bootable="true" IDE0MasterEmulationPort="0" IDE0SlaveEmulationPort="1" IDE1MasterEmulationPort="2" IDE1SlaveEmulationPort="3">
          <AttachedDevice type="HardDisk" hotpluggable="false" port="0" device="0">
            <Image uuid="{$disk_uuid}"/>
          </AttachedDevice>
        </StorageController>
      </StorageControllers>
    </vbox:Machine>
  </VirtualSystem>
</Envelope>
'''
open(sys.argv[1], "w").write(ovf)
PY

# The OVA: the descriptor first (OVF 1.0 requires it), then the disk, then
# the manifest, as a ustar archive.
(cd "$tmp" && {
	for f in inception.ovf inception-disk1.vmdk; do
		echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"
	done >inception.mf
	tar --format=ustar -cf "$out/inception.ova.tmp" --owner=0 --group=0 --numeric-owner \
		inception.ovf inception-disk1.vmdk inception.mf
})
mv "$out/inception.ova.tmp" "$out/inception.ova"
cp "$tmp/inception.ovf" "$out/inception.ovf"
rm -rf "$tmp"
for f in inception.img inception.qcow2 inception.vmdk inception.vdi inception.ova; do
	printf 'export: out/%-16s %6d MiB on disk\n' "$f" $(($(du -k "$out/$f" | cut -f1) / 1024))
done
