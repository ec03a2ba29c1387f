/* SPDX-License-Identifier: GPL-2.0-only */
/* The two json-c steps that dev.c and sa.c build their output with. */

#ifndef AZC_JSON_H
#define AZC_JSON_H

#include <stddef.h>

#include <json-c/json.h>

/*
 * Adds @v to object @o under @key; @v NULL (its constructor failed) or
 * not added is -ENOMEM, and @v is released.
 */
int azc_json_add(struct json_object *o, const char *key,
		 struct json_object *v);

/*
 * An array of @enc(item) for each of the @n items of @size bytes at
 * @items, or NULL when out of memory.
 */
struct json_object *azc_json_array(const void *items, size_t n, size_t size,
				   struct json_object *(*enc)(const void *item));

#endif /* AZC_JSON_H */
