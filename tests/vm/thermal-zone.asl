/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * An ACPI thermal zone for the QEMU guests, which have none: the kernel's
 * ACPI thermal driver (drivers/acpi/thermal.c) registers it as zone type
 * "acpitz" and polls it every second (_TZP), so trip crossings go through
 * the real thermal core, its tracepoints and its netlink family.
 *
 * _TMP reads the temperature, in degrees Celsius, from CMOS RAM byte
 * 0x78 (unused by QEMU's firmware); the guest sets it through /dev/port
 * (tests/vm/guest/lib.sh: tz_set).  Trip points: passive-free on purpose
 * (a passive trip needs a processor list) and no _CRT, whose crossing
 * shuts the guest down:
 *   _HOT  90 C   (the driver only reports it)
 *
 * Built with iasl into build/vm/thermal-zone.aml and given to QEMU with
 * -acpitable.  ACPI 6.4 sec 11.4 (thermal objects): temperatures are in
 * tenths of a kelvin.
 */
DefinitionBlock ("", "SSDT", 2, "GPUMON", "THERMZON", 1)
{
	Scope (\_TZ)
	{
		ThermalZone (GTZ0)
		{
			OperationRegion (CMS0, SystemIO, 0x70, 0x02)
			Field (CMS0, ByteAcc, NoLock, Preserve)
			{
				IDX0, 8,
				DAT0, 8
			}

			Method (_TMP, 0, Serialized)
			{
				IDX0 = 0x78
				Local0 = DAT0
				Return ((Local0 * 10) + 2732)
			}

			Method (_HOT, 0, NotSerialized)
			{
				Return (3632)
			}

			Name (_TZP, 10)
		}
	}
}
