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
 * (tests/vm/guest/lib.sh: tz_set).  Trip points, in the order the
 * driver numbers them (no passive trip: it needs a processor list; no
 * _CRT, whose crossing shuts the guest down):
 *   0  _HOT  90 C   (the driver only reports it)
 *   1  _AC0  60 C   active, cooled by FAN0 (_AL0): the ACPI fan driver
 *                   (fan.ko) makes it a cooling device "Fan", which the
 *                   step_wise governor turns on above the trip
 *
 * Built with iasl into build/vm/thermal-zone.aml and given to QEMU with
 * -acpitable.  ACPI 6.4 sec 11.4 (thermal objects): temperatures are in
 * tenths of a kelvin.
 */
DefinitionBlock ("", "SSDT", 2, "GPUMON", "THERMZON", 1)
{
	Scope (\_SB)
	{
		/* A fan with two power states, D0 (on) and D3 (off). */
		Device (FAN0)
		{
			Name (_HID, EisaId ("PNP0C0B"))
			Name (_UID, 0)
			Name (FON, 0)

			Method (_PS0, 0, NotSerialized)
			{
				FON = 1
			}

			Method (_PS3, 0, NotSerialized)
			{
				FON = 0
			}

			Method (_PSC, 0, NotSerialized)
			{
				If (FON)
				{
					Return (0)
				}
				Return (3)
			}
		}
	}

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

			Method (_AC0, 0, NotSerialized)
			{
				Return (3332)
			}

			Name (_AL0, Package () { \_SB.FAN0 })

			Name (_TZP, 10)
		}
	}
}
