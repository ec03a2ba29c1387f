// SPDX-License-Identifier: GPL-2.0-only
/* The two json-c steps that dev.c and sa.c build their output with. */

#include <errno.h>

#include "json.h"

int azc_json_add(struct json_object *o, const char *key,
		 struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *azc_json_array(const void *items, size_t n, size_t size,
				   struct json_object *(*enc)(const void *item))
{
	struct json_object *arr = json_object_new_array(), *o;
	const char *p = items;
	size_t i;

	for (i = 0; arr && i < n; i++) {
		o = enc(p + i * size);
		if (!o || json_object_array_add(arr, o)) {
			json_object_put(o);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}
